import type { Blog, BlogEvent, BlogId, CatchUp, Cursor, Entry, EntryId, Epoch, Position, Snapshot } from '../../shared/index.js';
import type { MemoryBus } from '../bus/memory-bus.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { EventStore } from './event-store.js';
import { blogJson, entryJson, eventRest, newEpoch, pageLimit, stampEvent, type EventPayload } from './event-json.js';
import { IDEMPOTENCY_TTL_MS } from './keys.js';

export interface MemoryStoreOptions {
  bus: MemoryBus;
  /** Events kept per blog log. */
  logMax: number;
  logger?: Logger;
  /** Clock (ms) for event timestamps and idempotency expiry, for tests. */
  now?: () => number;
}

interface IdempotencyRecord {
  fingerprint: string;
  entryJson: string;
  expiresAt: number;
}

/** One blog, mirroring the Redis keys: values are JSON strings so callers never hold stored state. */
interface BlogState {
  createdAtMs: number;
  blogJson: string;
  epoch: Epoch;
  seq: number;
  /** Last entry order number; only grows, even across epochs. */
  ord: number;
  entries: Map<EntryId, string>;
  /** Entry ids by ascending order number (creation order). */
  order: { id: EntryId; ord: number }[];
  /** The capped log: consecutive seqs, oldest first. */
  log: { seq: number; raw: string }[];
  /** Insertion order is expiry order (one TTL for all), so expired records sit at the front. */
  idem: Map<string, IdempotencyRecord>;
}

type Result<T extends (...args: never[]) => unknown> = Awaited<ReturnType<T>>;

/**
 * The in-memory twin of `RedisStore` for the embedded single-instance mode, with the same
 * semantics: each mutation runs synchronously (so atomically), stamps the event the same
 * way, and publishes the same bytes on the `MemoryBus` before returning.
 *
 * @example
 * const bus = new MemoryBus();
 * const store = new MemoryStore({ bus, logMax: 10_000 });
 * await store.createBlog(blog);
 */
export class MemoryStore implements EventStore {
  private readonly blogs = new Map<BlogId, BlogState>();
  private readonly bus: MemoryBus;
  private readonly logMax: number;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(opts: MemoryStoreOptions) {
    this.bus = opts.bus;
    this.logMax = opts.logMax;
    this.now = opts.now ?? Date.now;
    this.log = (opts.logger ?? silentLogger()).child({ module: 'memory-store' });
  }

  async createBlog(blog: Blog): Promise<Result<EventStore['createBlog']>> {
    if (this.blogs.has(blog.id)) return { ok: false, reason: 'exists' };
    const json = blogJson(blog);
    const state: BlogState = {
      createdAtMs: Date.parse(blog.createdAt),
      blogJson: json,
      epoch: newEpoch(),
      seq: 0,
      ord: 0,
      entries: new Map(),
      order: [],
      log: [],
      idem: new Map(),
    };
    this.blogs.set(blog.id, state);
    return { ok: true, position: this.commit(blog.id, state, { type: 'blog.updated', blogJson: json }) };
  }

  async updateBlog(next: Blog, expectedUpdatedAt: string): Promise<Result<EventStore['updateBlog']>> {
    const state = this.blogs.get(next.id);
    if (state === undefined) return { ok: false, reason: 'not_found' };
    const current = JSON.parse(state.blogJson) as Blog;
    if (current.updatedAt !== expectedUpdatedAt) return { ok: false, reason: 'changed', current };
    state.blogJson = blogJson(next);
    return { ok: true, position: this.commit(next.id, state, { type: 'blog.updated', blogJson: state.blogJson }) };
  }

  async createEntry(entry: Entry, idempotency?: { key: string; fingerprint: string }): Promise<Result<EventStore['createEntry']>> {
    const state = this.blogs.get(entry.blogId);
    if (state === undefined) return { ok: false, reason: 'blog_not_found' };
    if (idempotency !== undefined) {
      const prior = this.idempotencyRecord(state, idempotency.key);
      if (prior !== undefined) {
        if (prior.fingerprint !== idempotency.fingerprint) return { ok: false, reason: 'idempotency_key_reused' };
        return { ok: true, entry: JSON.parse(prior.entryJson) as Entry, position: position(state), replayed: true };
      }
    }
    if ((JSON.parse(state.blogJson) as Blog).status === 'ended') return { ok: false, reason: 'blog_ended' };
    if (state.entries.has(entry.id)) throw new Error(`entry id ${entry.id} already exists`);
    const json = entryJson(entry);
    state.ord += 1;
    state.entries.set(entry.id, json);
    state.order.push({ id: entry.id, ord: state.ord });
    if (idempotency !== undefined) {
      this.sweepIdempotency(state);
      state.idem.set(idempotency.key, { fingerprint: idempotency.fingerprint, entryJson: json, expiresAt: this.now() + IDEMPOTENCY_TTL_MS });
    }
    const at = this.commit(entry.blogId, state, { type: 'entry.created', entryJson: json });
    return { ok: true, entry: JSON.parse(json) as Entry, position: at, replayed: false };
  }

  async updateEntry(next: Entry): Promise<Result<EventStore['updateEntry']>> {
    const state = this.blogs.get(next.blogId);
    if (state === undefined) return { ok: false, reason: 'blog_not_found' };
    const stored = state.entries.get(next.id);
    if (stored === undefined) return { ok: false, reason: 'entry_not_found' };
    const current = JSON.parse(stored) as Entry;
    if (current.version !== next.version - 1) return { ok: false, reason: 'version_conflict', current };
    const json = entryJson(next);
    state.entries.set(next.id, json);
    return { ok: true, position: this.commit(next.blogId, state, { type: 'entry.updated', entryJson: json }) };
  }

  async deleteEntry(blogId: BlogId, entryId: EntryId): Promise<Result<EventStore['deleteEntry']>> {
    const state = this.blogs.get(blogId);
    if (state === undefined) return { ok: false, reason: 'blog_not_found' };
    if (!state.entries.delete(entryId)) return { ok: false, reason: 'entry_not_found' };
    const index = state.order.findIndex((o) => o.id === entryId);
    if (index >= 0) state.order.splice(index, 1);
    return { ok: true, position: this.commit(blogId, state, { type: 'entry.deleted', entryId }) };
  }

  async listBlogs(): Promise<Blog[]> {
    // Same order as Redis' ZREVRANGE: newest first, ties by id descending.
    return [...this.blogs.entries()]
      .sort(([idA, a], [idB, b]) => b.createdAtMs - a.createdAtMs || (idA < idB ? 1 : idA > idB ? -1 : 0))
      .map(([, state]) => JSON.parse(state.blogJson) as Blog);
  }

  async getBlog(blogId: BlogId): Promise<Blog | null> {
    const state = this.blogs.get(blogId);
    return state === undefined ? null : (JSON.parse(state.blogJson) as Blog);
  }

  async getEntry(blogId: BlogId, entryId: EntryId): Promise<Entry | null> {
    const json = this.blogs.get(blogId)?.entries.get(entryId);
    return json === undefined ? null : (JSON.parse(json) as Entry);
  }

  async snapshot(blogId: BlogId, page: { limit: number; cursor?: Cursor }): Promise<(Snapshot & { position: Position }) | null> {
    const state = this.blogs.get(blogId);
    if (state === undefined) return null;
    return { ...this.page(state, page.limit, page.cursor), position: position(state) };
  }

  async readEvents(
    blogId: BlogId,
    from: { epoch?: Epoch; after?: number },
    opts: { pageSize: number; maxEvents: number },
  ): Promise<CatchUp | null> {
    const state = this.blogs.get(blogId);
    if (state === undefined) return null;
    const { after } = from;
    const head = state.seq;
    const usable =
      from.epoch === state.epoch && after !== undefined && Number.isSafeInteger(after) && after >= 0 && after <= head && head - after <= opts.maxEvents;
    const first = state.log[0]?.seq;
    if (usable && (after === head || (first !== undefined && after >= first - 1))) {
      const events = state.log.slice(after + 1 - (first ?? after + 1)).map((e) => JSON.parse(e.raw) as BlogEvent);
      return { reset: false, position: position(state), events };
    }
    return { reset: true, position: position(state), snapshot: this.page(state, opts.pageSize) };
  }

  async position(blogId: BlogId): Promise<Position | null> {
    const state = this.blogs.get(blogId);
    return state === undefined ? null : position(state);
  }

  async rotateEpoch(blogId: BlogId, expectedEpoch: Epoch): Promise<Result<EventStore['rotateEpoch']>> {
    const state = this.blogs.get(blogId);
    if (state === undefined) return { ok: false, reason: 'blog_not_found' };
    if (state.epoch !== expectedEpoch) return { ok: false, reason: 'epoch_changed' };
    state.epoch = newEpoch();
    state.seq = 0;
    state.log = [];
    this.log.warn({ blogId, from: expectedEpoch, to: state.epoch }, 'rotated the epoch of a blog log');
    return { ok: true, position: this.commit(blogId, state, { type: 'blog.updated', blogJson: state.blogJson }) };
  }

  async ping(): Promise<void> {
    // always reachable: it lives in this process
  }

  /** Appends the event for a state change already written, and publishes the stored bytes. */
  private commit(blogId: BlogId, state: BlogState, payload: EventPayload): Position {
    state.seq += 1;
    const raw = stampEvent(blogId, state.epoch, state.seq, eventRest(new Date(this.now()).toISOString(), payload));
    state.log.push({ seq: state.seq, raw });
    if (state.log.length > this.logMax) state.log.splice(0, state.log.length - this.logMax);
    this.bus.publish(blogId, raw);
    return position(state);
  }

  private page(state: BlogState, requested: number, cursor?: Cursor): Snapshot {
    const limit = pageLimit(requested);
    const below = cursor === undefined ? Infinity : Number(cursor);
    // First index whose order number is not strictly older than the cursor.
    let lo = 0;
    let hi = state.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((state.order[mid]?.ord ?? Infinity) < below) lo = mid + 1;
      else hi = mid;
    }
    const older = state.order.slice(Math.max(0, lo - limit - 1), lo).reverse();
    const shown = older.slice(0, limit);
    const entries = shown.flatMap((o) => {
      const json = state.entries.get(o.id);
      return json === undefined ? [] : [JSON.parse(json) as Entry];
    });
    const last = shown[shown.length - 1];
    const nextCursor = older.length > limit && last !== undefined ? String(last.ord) : null;
    return { blog: JSON.parse(state.blogJson) as Blog, entries, nextCursor };
  }

  private idempotencyRecord(state: BlogState, key: string): IdempotencyRecord | undefined {
    const record = state.idem.get(key);
    if (record === undefined || record.expiresAt > this.now()) return record;
    state.idem.delete(key);
    return undefined;
  }

  private sweepIdempotency(state: BlogState): void {
    const now = this.now();
    for (const [key, record] of state.idem) {
      if (record.expiresAt > now) break;
      state.idem.delete(key);
    }
  }
}

function position(state: BlogState): Position {
  return { epoch: state.epoch, seq: state.seq };
}
