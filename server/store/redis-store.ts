import type { Redis } from 'ioredis';
import type { RedisClient } from './redis-connection.js';
import { Blog, BlogEvent, BlogId, Entry, type CatchUp, type Cursor, type EntryId, type Epoch, type Position, type Snapshot } from '../../shared/index.js';
import { channelFor } from '../bus/event-bus.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { EventStore, Replicated } from './event-store.js';
import { blogJson, entryJson, eventRest, newEpoch, pageLimit, type EventPayload } from './event-json.js';
import { BLOG_INDEX_KEY, IDEMPOTENCY_TTL_MS, blogKeys, idempotencyKey } from './keys.js';
import type { Metrics } from '../metrics/index.js';
import { redisFailureOf } from './redis-connection.js';
import { corruptBlog, parseStored, readReply, replyPage, replyPosition, replyString, type Reply } from './redis-replies.js';
import { readPersistence } from './redis-persistence.js';
import { defineStoreScripts, type ScriptName, type ScriptRunner } from './redis-scripts.js';

export interface RedisStoreOptions {
  redis: RedisClient;
  /** Events kept per blog log (exact MAXLEN). */
  logMax: number;
  logger: Logger;
  /** Clock for event timestamps (ms), for tests. */
  now?: () => number;
  /** Counts failed commands by kind (timeout, connection, reply). */
  metrics?: Pick<Metrics, 'redisErrors'>;
  /** Set when writes must reach replicas before they are answered as done (`REDIS_WAIT_REPLICAS`). */
  replication?: ReplicationOptions;
}

/**
 * `WAIT replicas timeoutMs` after every blog and entry write. WAIT counts the writes of the connection
 * it is sent on and blocks that connection meanwhile, so writes get a connection of their own: reads
 * never queue behind a WAIT. Its command timeout must exceed `timeoutMs`.
 */
export interface ReplicationOptions {
  redis: Redis;
  replicas: number;
  timeoutMs: number;
}

/**
 * The scripts that change a blog. When one of them fails after it may have reached Redis, the
 * answer must not claim that nothing was written.
 */
const MUTATIONS: ReadonlySet<string> = new Set<ScriptName>(['createBlog', 'updateBlog', 'createEntry', 'updateEntry', 'deleteEntry', 'rotateEpoch']);

type Result<T extends (...args: never[]) => unknown> = Awaited<ReturnType<T>>;

/**
 * The event store over Redis: one Lua script per operation, so every mutation bumps seq,
 * writes state, appends to the capped stream and publishes, all or nothing, and every read
 * returns exactly the position of the state it read. Failures say what is known: a mutation that
 * may have reached Redis (timed out, or the connection broke while it was in flight) is
 * `AppError('store_timeout')`; anything certainly not run, and every failed read, is
 * `AppError('store_unavailable')`. The caller owns (connects, closes) the connection.
 *
 * @example
 * const redis = await createRedisConnection(url, { name: 'liveblog-data', logger });
 * const store = new RedisStore({ redis, logMax: config.EVENT_LOG_MAX, logger });
 */
export class RedisStore implements EventStore {
  private readonly redis: RedisClient;
  private readonly run: ScriptRunner;
  private readonly writeRun: ScriptRunner;
  private readonly replication: ReplicationOptions | undefined;
  private readonly logMax: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly metrics: Pick<Metrics, 'redisErrors'> | undefined;

  constructor(opts: RedisStoreOptions) {
    this.redis = opts.redis;
    this.logMax = opts.logMax;
    this.log = opts.logger.child({ module: 'redis-store' });
    this.now = opts.now ?? Date.now;
    this.run = defineStoreScripts(opts.redis);
    this.replication = opts.replication;
    this.writeRun = opts.replication === undefined ? this.run : defineStoreScripts(opts.replication.redis);
    this.metrics = opts.metrics;
  }

  async createBlog(blog: Blog): Promise<Result<EventStore['createBlog']>> {
    const json = blogJson(blog);
    const k = blogKeys(blog.id);
    // Indexed first (NX keeps an existing score): an indexed id without a blog is skipped by
    // listBlogs, while a blog missing from the index would be invisible for good. So this alone
    // writes nothing anyone can see, and its failure is not a mutation's.
    await this.call('indexBlog', () => this.redis.zadd(BLOG_INDEX_KEY, 'NX', Date.parse(blog.createdAt), blog.id));
    const { reply, replicated } = await this.mutate('createBlog', [k.blog, k.meta, k.entries, k.order, k.log], [
      blog.id, channelFor(blog.id), newEpoch(), json, this.rest({ type: 'blog.updated', blogJson: json }), this.logMax,
    ]);
    if (reply.tag === 'exists') return { ok: false, reason: 'exists' };
    return { ok: true, position: this.okPosition(reply), ...replicated };
  }

  async updateBlog(next: Blog, expectedUpdatedAt: string): Promise<Result<EventStore['updateBlog']>> {
    const json = blogJson(next);
    const k = blogKeys(next.id);
    const { reply, replicated } = await this.mutate('updateBlog', [k.blog, k.meta, k.log], [
      next.id, channelFor(next.id), newEpoch(), json, expectedUpdatedAt, this.rest({ type: 'blog.updated', blogJson: json }), this.logMax,
    ]);
    switch (reply.tag) {
      case 'not_found':
        return { ok: false, reason: 'not_found' };
      case 'changed': {
        const current = parseStored(Blog, replyString(reply, 1), this.log, { blogId: next.id, value: 'blog' });
        if (current === null) throw corruptBlog(next.id);
        return { ok: false, reason: 'changed', current };
      }
      case 'corrupt':
        throw this.corrupt(next.id, 'blog');
      default:
        return { ok: true, position: this.okPosition(reply), ...replicated };
    }
  }

  async createEntry(entry: Entry, idempotency?: { key: string; fingerprint: string }): Promise<Result<EventStore['createEntry']>> {
    const json = entryJson(entry);
    const k = blogKeys(entry.blogId);
    const idemKey = idempotencyKey(entry.blogId, idempotency?.key ?? '');
    const { reply, replicated } = await this.mutate('createEntry', [k.blog, k.meta, k.entries, k.order, k.log, idemKey], [
      entry.blogId, channelFor(entry.blogId), newEpoch(), entry.id, json, this.rest({ type: 'entry.created', entryJson: json }),
      this.logMax, idempotency ? '1' : '0', idempotency?.fingerprint ?? '', IDEMPOTENCY_TTL_MS,
    ], idemKey);
    switch (reply.tag) {
      case 'blog_not_found':
      case 'blog_ended':
      case 'idempotency_key_reused':
        return { ok: false, reason: reply.tag };
      case 'corrupt':
        throw this.corrupt(entry.blogId, 'blog');
      case 'replayed': {
        const original = parseStored(Entry, replyString(reply, 3), this.log, { blogId: entry.blogId, value: 'idempotency record' });
        if (original === null) throw this.corrupt(entry.blogId, 'idempotency record');
        return { ok: true, entry: original, position: replyPosition(reply, 1), replayed: true, ...replicated };
      }
      default:
        return { ok: true, entry: JSON.parse(json) as Entry, position: this.okPosition(reply), replayed: false, ...replicated };
    }
  }

  async updateEntry(next: Entry): Promise<Result<EventStore['updateEntry']>> {
    const json = entryJson(next);
    const k = blogKeys(next.blogId);
    const { reply, replicated } = await this.mutate('updateEntry', [k.blog, k.meta, k.entries, k.log], [
      next.blogId, channelFor(next.blogId), newEpoch(), next.id, json, next.version, this.rest({ type: 'entry.updated', entryJson: json }), this.logMax,
    ]);
    switch (reply.tag) {
      case 'blog_not_found':
      case 'entry_not_found':
        return { ok: false, reason: reply.tag };
      case 'corrupt':
        throw this.corrupt(next.blogId, 'entry');
      case 'version_conflict': {
        const current = parseStored(Entry, replyString(reply, 1), this.log, { blogId: next.blogId, entryId: next.id });
        if (current === null) throw this.corrupt(next.blogId, 'entry');
        return { ok: false, reason: 'version_conflict', current };
      }
      default:
        return { ok: true, position: this.okPosition(reply), ...replicated };
    }
  }

  async deleteEntry(blogId: BlogId, entryId: EntryId): Promise<Result<EventStore['deleteEntry']>> {
    const k = blogKeys(blogId);
    const { reply, replicated } = await this.mutate('deleteEntry', [k.blog, k.meta, k.entries, k.order, k.log], [
      blogId, channelFor(blogId), newEpoch(), entryId, this.rest({ type: 'entry.deleted', entryId }), this.logMax,
    ]);
    if (reply.tag === 'blog_not_found' || reply.tag === 'entry_not_found') return { ok: false, reason: reply.tag };
    return { ok: true, position: this.okPosition(reply), ...replicated };
  }

  async listBlogs(): Promise<Blog[]> {
    const ids = await this.call('listBlogs', () => this.redis.zrevrange(BLOG_INDEX_KEY, 0, -1));
    const valid = ids.filter((id) => BlogId.safeParse(id).success);
    if (valid.length === 0) return [];
    // One GET per blog, all sent at once: each header lives in its blog's slot, so on a Cluster they
    // spread over every shard (a pipeline or MGET must stay in one slot); on a single Redis they
    // still travel together on the one connection.
    const headers = await this.call('listBlogs', () => Promise.all(valid.map((id) => this.redis.get(blogKeys(id).blog))));
    const blogs: Blog[] = [];
    headers.forEach((json, i) => {
      // Indexed but never created (the script failed after the ZADD): not a blog.
      if (json === null) return;
      const blog = parseStored(Blog, json, this.log, { blogId: valid[i], value: 'blog' });
      if (blog !== null) blogs.push(blog);
    });
    return blogs;
  }

  async getBlog(blogId: BlogId): Promise<Blog | null> {
    const json = await this.call('getBlog', () => this.redis.get(blogKeys(blogId).blog));
    if (json === null) return null;
    const blog = parseStored(Blog, json, this.log, { blogId, value: 'blog' });
    if (blog === null) throw corruptBlog(blogId);
    return blog;
  }

  async getEntry(blogId: BlogId, entryId: EntryId): Promise<Entry | null> {
    const json = await this.call('getEntry', () => this.redis.hget(blogKeys(blogId).entries, entryId));
    if (json === null) return null;
    const entry = parseStored(Entry, json, this.log, { blogId, entryId });
    if (entry === null) throw new AppError('internal', `the stored entry "${entryId}" is unreadable`);
    return entry;
  }

  async snapshot(blogId: BlogId, page: { limit: number; cursor?: Cursor }): Promise<(Snapshot & { position: Position }) | null> {
    const k = blogKeys(blogId);
    const reply = await this.script('snapshot', [k.blog, k.meta, k.entries, k.order, k.log], [pageLimit(page.limit), page.cursor ?? '', newEpoch()]);
    if (reply.tag === 'not_found') return null;
    return { ...replyPage(reply, 3, this.log, blogId), position: this.okPosition(reply) };
  }

  async readEvents(
    blogId: BlogId,
    from: { epoch?: Epoch; after?: number },
    opts: { pageSize: number; maxEvents: number },
  ): Promise<CatchUp | null> {
    const k = blogKeys(blogId);
    const after = from.after !== undefined && Number.isSafeInteger(from.after) && from.after >= 0 ? String(from.after) : '';
    const reply = await this.script('readEvents', [k.blog, k.meta, k.entries, k.order, k.log], [
      from.epoch ?? '', after, pageLimit(opts.pageSize), Math.max(0, Math.trunc(opts.maxEvents) || 0), newEpoch(),
    ]);
    switch (reply.tag) {
      case 'not_found':
        return null;
      case 'reset':
        return { reset: true, position: replyPosition(reply, 1), snapshot: replyPage(reply, 3, this.log, blogId) };
      default: {
        const position = this.okPosition(reply, 'events');
        const events: BlogEvent[] = [];
        for (let i = 3; i < reply.length; i += 1) {
          const event = parseStored(BlogEvent, replyString(reply, i), this.log, { blogId, value: 'event' });
          // A reader cannot skip an event, so an unreadable one turns the answer into a reset.
          if (event === null) return this.resetFallback(blogId, opts.pageSize);
          events.push(event);
        }
        return { reset: false, position, events };
      }
    }
  }

  async position(blogId: BlogId): Promise<Position | null> {
    const k = blogKeys(blogId);
    const reply = await this.script('position', [k.blog, k.meta, k.log], [newEpoch()]);
    return reply.tag === 'not_found' ? null : this.okPosition(reply);
  }

  async rotateEpoch(blogId: BlogId, expectedEpoch: Epoch): Promise<Result<EventStore['rotateEpoch']>> {
    const k = blogKeys(blogId);
    const reply = await this.script('rotateEpoch', [k.blog, k.meta, k.log], [
      blogId, channelFor(blogId), expectedEpoch, newEpoch(), new Date(this.now()).toISOString(), this.logMax,
    ]);
    if (reply.tag === 'blog_not_found' || reply.tag === 'epoch_changed') return { ok: false, reason: reply.tag };
    const position = this.okPosition(reply);
    this.log.warn({ blogId, from: expectedEpoch, to: position.epoch }, 'rotated the epoch of a blog log');
    return { ok: true, position };
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.redis.ping());
  }

  /**
   * Whether Redis keeps anything on disk, to warn at start when a restart would lose every blog
   * (see `readPersistence` for how it is found out when CONFIG is disabled).
   *
   * @example
   * const { aof, rdb } = await store.persistenceInfo();
   * if (!aof && !rdb) logger.warn('Redis persists nothing');
   */
  async persistenceInfo(): Promise<{ aof: boolean; rdb: boolean }> {
    return this.call('persistenceInfo', () => readPersistence(this.redis));
  }

  private async resetFallback(blogId: BlogId, pageSize: number): Promise<CatchUp | null> {
    const page = await this.snapshot(blogId, { limit: pageSize });
    if (page === null) return null;
    const { position, ...snapshot } = page;
    return { reset: true, position, snapshot };
  }

  private rest(payload: EventPayload): string {
    return eventRest(new Date(this.now()).toISOString(), payload);
  }

  private okPosition(reply: Reply, tag = 'ok'): Position {
    if (reply.tag !== tag) throw new AppError('internal', `the store answered "${reply.tag}" where "${tag}" was expected`);
    return replyPosition(reply, 1);
  }

  private corrupt(blogId: BlogId, what: string): AppError {
    this.log.error({ blogId, value: what }, 'stored value is unreadable; the operation was refused');
    return new AppError('internal', `the stored ${what} of blog "${blogId}" is unreadable`);
  }

  private async script(name: ScriptName, keys: readonly string[], args: readonly (string | number)[], run = this.run): Promise<Reply> {
    return readReply(await this.call(name, () => run(name, keys, args)));
  }

  /**
   * Runs a blog or entry write and, when replicas are wanted and it stored something (or replayed
   * the entry an idempotency record holds), waits for them. A replay first refreshes its record's
   * TTL: that write makes WAIT cover everything the primary held, the replayed entry included,
   * even on a connection that wrote nothing before.
   */
  private async mutate(
    name: ScriptName,
    keys: readonly string[],
    args: readonly (string | number)[],
    idempotencyRecord?: string,
  ): Promise<{ reply: Reply; replicated: Replicated }> {
    const reply = await this.script(name, keys, args, this.writeRun);
    const wanted = this.replication;
    if (wanted === undefined || (reply.tag !== 'ok' && reply.tag !== 'replayed')) return { reply, replicated: {} };
    try {
      if (reply.tag === 'replayed' && idempotencyRecord !== undefined) await wanted.redis.pexpire(idempotencyRecord, IDEMPOTENCY_TTL_MS);
      const replicas = await wanted.redis.wait(wanted.replicas, wanted.timeoutMs);
      if (replicas >= wanted.replicas) return { reply, replicated: {} };
      this.log.warn({ op: name, replicas, wanted: wanted.replicas }, 'write stored but not yet replicated');
      return { reply, replicated: { notReplicated: { replicas, wanted: wanted.replicas } } };
    } catch (err) {
      // The write is stored; only its copies are unknown. Never "nothing was written".
      const failed = redisFailureOf(err);
      if (failed !== undefined) this.metrics?.redisErrors.inc(failed.kind);
      this.log.warn({ op: name, err }, 'write stored, replication not confirmed');
      throw new AppError('store_timeout', storeTimeoutMessage(name), { cause: err });
    }
  }

  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.failure(op, err);
    }
  }

  private failure(op: string, err: unknown): AppError {
    if (err instanceof AppError) return err;
    const failed = redisFailureOf(err);
    if (failed === undefined) {
      this.log.error({ op, err }, 'store command failed');
      return new AppError('internal', 'the store failed', { cause: err });
    }
    this.metrics?.redisErrors.inc(failed.kind);
    if (failed.mayHaveRun && MUTATIONS.has(op)) {
      this.log.warn({ op, err, kind: failed.kind }, 'store write outcome unknown');
      return new AppError('store_timeout', storeTimeoutMessage(op), { cause: err });
    }
    // The connection logs the outage once; per-request lines would only repeat it.
    this.log.debug({ op, err, kind: failed.kind }, 'store unavailable');
    const message = MUTATIONS.has(op) ? 'the store cannot be reached; nothing was written' : 'the store cannot be reached';
    return new AppError('store_unavailable', message, { cause: err });
  }
}

/** What a client should do about a write that may or may not have been stored. */
function storeTimeoutMessage(op: string): string {
  const said = 'the store did not confirm this write in time, so it may have been stored';
  return op === 'createEntry'
    ? `${said}; retry with the same Idempotency-Key (an entry already stored is answered again, never stored twice)`
    : `${said}; read the current state before repeating it`;
}
