import { entryHeadline, truncateWords } from '../../shared/render/index.js';
import type { Entry } from '../../shared/index.js';

/**
 * Tells screen-reader users about new entries through the page's polite `aria-live` region,
 * one message per batch so a burst of catch-up events is one sentence, not twenty.
 *
 * @example
 * announcer.newEntries([entry]); // "New update: Polls close in Florida"
 */
export class Announcer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly region: HTMLElement) {}

  newEntries(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const headline = truncateWords(entryHeadline(first, 140), 140);
    this.say(entries.length === 1 ? `New update: ${headline}` : `${entries.length} new updates. Latest: ${headline}`);
  }

  say(text: string): void {
    // emptied first so the same sentence twice is announced twice
    this.region.textContent = '';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.region.textContent = text;
    }, 50);
  }
}
