import type { Blog } from '../schemas/blog.js';
import type { Entry } from '../schemas/entry.js';
import { escapeHtml } from './escape.js';
import { entryAnchor, entryHeadline } from './entry-html.js';
import { formatUtcDate, formatUtcDateTime, formatUtcTime, laterOf } from './time.js';

/**
 * When the blog last changed as a reader sees it: its header or any entry shown.
 *
 * @example
 * lastUpdatedOf(blog, entries); // '2025-03-01T14:05:09.000Z'
 */
export function lastUpdatedOf(blog: Blog, entries: Iterable<Pick<Entry, 'updatedAt'>>): string {
  let latest = blog.updatedAt;
  for (const entry of entries) latest = laterOf(latest, entry.updatedAt);
  return latest;
}

/**
 * The red "Live" badge, or "Ended".
 *
 * @example
 * statusBadgeHtml('live'); // '<span class="status status--live">…Live</span>'
 */
export function statusBadgeHtml(status: Blog['status']): string {
  switch (status) {
    case 'live':
      return '<span class="status status--live"><span class="status__dot" aria-hidden="true"></span>Live</span>';
    case 'ended':
      return '<span class="status status--ended">Ended</span>';
    default:
      return String(status satisfies never);
  }
}

/**
 * The blog's header: status, title, "Last updated HH:MM UTC", the ended notice and the key points.
 * `lastUpdated` defaults to the header's own `updatedAt`; pass {@link lastUpdatedOf} to count entries.
 *
 * @example
 * headerElement.outerHTML = blogHeaderHtml(blog, { lastUpdated: lastUpdatedOf(blog, entries) });
 */
export function blogHeaderHtml(blog: Blog, options: { lastUpdated?: string } = {}): string {
  const lastUpdated = options.lastUpdated ?? blog.updatedAt;
  const ended =
    blog.status === 'ended'
      ? `<p class="blog-header__ended">This live blog has ended${blog.coverageEndTime !== undefined ? ` (${escapeHtml(formatUtcDateTime(blog.coverageEndTime))})` : ''}. Thank you for following along.</p>`
      : '';
  const keyPoints =
    blog.keyPoints.length > 0
      ? '<section class="key-points" aria-labelledby="key-points-title"><h2 class="key-points__title" id="key-points-title">Key points</h2><ul>' +
        blog.keyPoints.map((point) => `<li>${escapeHtml(point)}</li>`).join('') +
        '</ul></section>'
      : '';
  return (
    `<header class="blog-header" id="lb-header" data-status="${blog.status}">` +
    `<div class="blog-header__kicker">${statusBadgeHtml(blog.status)}` +
    `<span class="blog-header__started">Since <time datetime="${escapeHtml(blog.coverageStartTime)}">${escapeHtml(formatUtcDate(blog.coverageStartTime))}</time></span></div>` +
    `<h1 class="blog-header__title">${escapeHtml(blog.title)}</h1>` +
    lastUpdatedHtml(lastUpdated) +
    ended +
    keyPoints +
    '</header>'
  );
}

/**
 * "Last updated HH:MM UTC", a part of the header the browser refreshes on its own.
 *
 * @example
 * lastUpdatedHtml('2025-03-01T14:05:09.000Z'); // '<p class="blog-header__updated" …>Last updated <time …>14:05 UTC</time></p>'
 */
export function lastUpdatedHtml(lastUpdated: string): string {
  return `<p class="blog-header__updated" data-testid="last-updated">Last updated <time datetime="${escapeHtml(lastUpdated)}" title="${escapeHtml(formatUtcDateTime(lastUpdated))}">${formatUtcTime(lastUpdated)} UTC</time></p>`;
}

/**
 * The key-events list (newest first), each linking to its entry's permalink.
 * Empty string when there are none, so the page shows no empty box.
 *
 * @example
 * nav.innerHTML = keyEventsHtml(entries.filter((e) => e.keyEvent));
 */
export function keyEventsHtml(keyEvents: readonly Entry[]): string {
  if (keyEvents.length === 0) return '';
  const items = keyEvents
    .map(
      (entry) =>
        `<li><a href="#${entryAnchor(entry.id)}" data-entry-link="${escapeHtml(entry.id)}">` +
        `<time datetime="${escapeHtml(entry.createdAt)}">${formatUtcTime(entry.createdAt)}</time>` +
        `<span class="key-events__text">${escapeHtml(entryHeadline(entry, 90))}</span></a></li>`,
    )
    .join('');
  return `<h2 class="key-events__title" id="key-events-title">Key events</h2><ol class="key-events__list">${items}</ol>`;
}
