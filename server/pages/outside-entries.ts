import type { BlogId, BlogPage, Cursor, Entry } from '../../shared/index.js';
import type { EventStore } from '../store/event-store.js';

export interface OutsideEntriesOptions {
  /** Older pages read at most, beyond the rendered one. */
  maxPages?: number;
  pageSize?: number;
  /** Blogs whose answer is kept. */
  cacheSize?: number;
}

/**
 * Finds pinned and key-event entries older than the rendered page, so a summary pinned at the
 * start of a long blog still shows above the stream and the key-events list is complete.
 * Bounded (a few pages) and cached per blog and position: a popular page reads them once per
 * event, not once per reader.
 *
 * Entries read here may be newer than the rendered position; the browser then receives the
 * events in between and converges, because it applies entry versions, never older over newer.
 *
 * @example
 * const extras = await outside.find(blogId, page);
 */
export class OutsideEntries {
  private readonly cache = new Map<BlogId, { key: string; entries: Promise<Entry[]> }>();
  private readonly maxPages: number;
  private readonly pageSize: number;
  private readonly cacheSize: number;

  constructor(
    private readonly store: EventStore,
    options: OutsideEntriesOptions = {},
  ) {
    this.maxPages = options.maxPages ?? 3;
    this.pageSize = options.pageSize ?? 200;
    this.cacheSize = options.cacheSize ?? 64;
  }

  find(blogId: BlogId, page: BlogPage): Promise<Entry[]> {
    if (page.nextCursor === null) return Promise.resolve([]);
    const key = `${page.position.epoch}:${page.position.seq}:${page.nextCursor}`;
    const cached = this.cache.get(blogId);
    if (cached !== undefined && cached.key === key) return cached.entries;

    const entries = this.scan(blogId, page.nextCursor);
    // a failed read is not cached: the next reader tries again
    entries.catch(() => this.cache.delete(blogId));
    this.cache.delete(blogId);
    this.cache.set(blogId, { key, entries });
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return entries;
  }

  private async scan(blogId: BlogId, from: Cursor): Promise<Entry[]> {
    const found: Entry[] = [];
    let cursor: Cursor | null = from;
    for (let i = 0; i < this.maxPages && cursor !== null; i += 1) {
      const older: Awaited<ReturnType<EventStore['snapshot']>> = await this.store.snapshot(blogId, { limit: this.pageSize, cursor });
      if (older === null) break;
      for (const entry of older.entries) if (entry.pinned || entry.keyEvent) found.push(entry);
      cursor = older.nextCursor;
    }
    return found;
  }
}
