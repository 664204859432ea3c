import type { Entry } from '../schemas/entry.js';

/** How a page splits the entries it knows into its three places. */
export interface PageSections {
  /** The stream, in the order given, without pinned entries (they sit above it). */
  stream: Entry[];
  /** Pinned entries, newest first. */
  pinned: Entry[];
  /** Key events, newest first. */
  keyEvents: Entry[];
}

/**
 * Splits entries for the page: `paged` are the loaded pages in display order; `others` are entries
 * known outside them (an old entry pinned or marked as key event) that appear only in the pinned
 * card and the key-events list. The server and the browser both use this, so they agree.
 *
 * @example
 * const { stream, pinned, keyEvents } = pageSections(page.entries, extras);
 */
export function pageSections(paged: readonly Entry[], others: readonly Entry[] = []): PageSections {
  const seen = new Set<string>();
  const all: Entry[] = [];
  for (const entry of [...paged, ...others]) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    all.push(entry);
  }
  // ids are time-sortable, so this is newest first whatever the display order is
  const newestFirst = all.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
  return {
    stream: paged.filter((e) => !e.pinned),
    pinned: newestFirst.filter((e) => e.pinned),
    keyEvents: newestFirst.filter((e) => e.keyEvent),
  };
}
