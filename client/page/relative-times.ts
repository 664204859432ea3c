import { formatRelative } from '../../shared/render/index.js';

/** How often "5 min ago" is rewritten; minutes are the finest unit shown after the first 45 s. */
export const RELATIVE_REFRESH_MS = 30_000;

/**
 * Rewrites every `[data-relative]` ("5 min ago") now.
 *
 * @example
 * refreshRelativeTimes(document);
 */
export function refreshRelativeTimes(root: ParentNode, now = Date.now()): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-relative]')) {
    const text = formatRelative(el.dataset.relative ?? '', now);
    if (el.textContent !== text) el.textContent = text;
  }
}

/**
 * Keeps relative times current: every 30 s, and at once when the tab is shown again
 * (timers of hidden tabs are throttled).
 *
 * @example
 * startRelativeTimes(document);
 */
export function startRelativeTimes(doc: Document): void {
  refreshRelativeTimes(doc);
  setInterval(() => refreshRelativeTimes(doc), RELATIVE_REFRESH_MS);
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'visible') refreshRelativeTimes(doc);
  });
}
