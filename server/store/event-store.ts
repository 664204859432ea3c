import type { Blog, BlogId, CatchUp, Cursor, Entry, EntryId, Epoch, Position, Snapshot } from '../../shared/index.js';

/**
 * A write stored on the primary that fewer replicas than wanted confirmed in time (Redis `WAIT`,
 * `REDIS_WAIT_REPLICAS`): it counts, and is published, but a failover before the copy could lose it.
 */
export interface ReplicationShortfall {
  replicas: number;
  wanted: number;
}

/** What every successful mutation may add: set only when replicas were wanted and too few confirmed. */
export interface Replicated {
  notReplicated?: ReplicationShortfall;
}

/**
 * The blogs and each blog's ordered event log. Every mutation is atomic: it bumps
 * the blog's seq, writes the new state, appends the event to the capped log and
 * publishes it on the bus, all or nothing. Implemented by Redis (Lua scripts) and
 * by an in-memory twin for the embedded mode; `test/store/conformance.ts` holds both to the same contract.
 *
 * Outcomes the caller must handle are returned as discriminated unions; only
 * infrastructure failures are thrown: `AppError('store_unavailable')` when nothing was written
 * (store unreachable), `AppError('store_timeout')` when a mutation may have been applied.
 * A successful mutation carries `notReplicated` when replicas were wanted and too few confirmed it.
 */
export interface EventStore {
  /** Creates the blog and its log (new epoch, seq 1 = `blog.updated` carrying the blog). */
  createBlog(blog: Blog): Promise<({ ok: true; position: Position } & Replicated) | { ok: false; reason: 'exists' }>;

  /**
   * Replaces the blog header if its stored `updatedAt` still equals `expectedUpdatedAt`
   * (compare-and-set, so concurrent PATCHes never lose each other's fields).
   */
  updateBlog(
    next: Blog,
    expectedUpdatedAt: string,
  ): Promise<({ ok: true; position: Position } & Replicated) | { ok: false; reason: 'not_found' } | { ok: false; reason: 'changed'; current: Blog }>;

  /**
   * Adds an entry. With an idempotency key, a repeated key returns the entry first
   * stored under it (`replayed: true`) and publishes nothing; the same key with a
   * different `fingerprint` (request body hash) is refused.
   */
  createEntry(
    entry: Entry,
    idempotency?: { key: string; fingerprint: string },
  ): Promise<
    | ({ ok: true; entry: Entry; position: Position; replayed: boolean } & Replicated)
    | { ok: false; reason: 'blog_not_found' | 'blog_ended' | 'idempotency_key_reused' }
  >;

  /** Replaces an entry if its stored version is still `next.version - 1`. */
  updateEntry(
    next: Entry,
  ): Promise<
    | ({ ok: true; position: Position } & Replicated)
    | { ok: false; reason: 'blog_not_found' | 'entry_not_found' }
    | { ok: false; reason: 'version_conflict'; current: Entry }
  >;

  deleteEntry(
    blogId: BlogId,
    entryId: EntryId,
  ): Promise<({ ok: true; position: Position } & Replicated) | { ok: false; reason: 'blog_not_found' | 'entry_not_found' }>;

  /** All blogs, newest first. */
  listBlogs(): Promise<Blog[]>;
  getBlog(blogId: BlogId): Promise<Blog | null>;
  getEntry(blogId: BlogId, entryId: EntryId): Promise<Entry | null>;

  /**
   * One page of entries, newest first, and the position of exactly that state.
   * `cursor` comes from a previous page's `nextCursor`. Null when the blog does not exist.
   */
  snapshot(blogId: BlogId, page: { limit: number; cursor?: Cursor }): Promise<(Snapshot & { position: Position }) | null>;

  /**
   * Every event after `after` in `epoch`, in order; or a reset with a first-page snapshot
   * (`pageSize` entries) when `epoch` or `after` is missing, `epoch` differs, `after` is ahead of the log,
   * older than what the capped log retains, or more than `maxEvents` behind (a reader that far behind
   * is better served by a fresh page than by thousands of events). Null when the blog does not exist.
   */
  readEvents(
    blogId: BlogId,
    from: { epoch?: Epoch; after?: number },
    opts: { pageSize: number; maxEvents: number },
  ): Promise<CatchUp | null>;

  /** Where the blog's log stands now; null when the blog does not exist. */
  position(blogId: BlogId): Promise<Position | null>;

  /**
   * Starts a new epoch for the blog's log if it is still in `expectedEpoch`, and publishes a
   * `blog.updated` at seq 1 of the new epoch so every reader resets. Used when an instance
   * sees the log go backwards (a Redis restored from an older snapshot).
   */
  rotateEpoch(blogId: BlogId, expectedEpoch: Epoch): Promise<{ ok: true; position: Position } | { ok: false; reason: 'blog_not_found' | 'epoch_changed' }>;

  /** Throws `AppError('store_unavailable')` unless the store answers. */
  ping(): Promise<void>;
}
