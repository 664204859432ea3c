import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { AppError } from '../../server/errors/app-error.js';
import { silentLogger } from '../../server/log/logger.js';
import { createMetrics, type Metrics } from '../../server/metrics/index.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { ok, waitFor } from './conformance.js';
import { makeBlog, makeEntry } from './fixtures.js';
import { freezeRedis } from '../support/redis-freeze.js';

const logger = silentLogger();

async function rejectsWith(promise: Promise<unknown>, code: 'store_timeout' | 'store_unavailable'): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, `an AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

async function redisErrors(metrics: Metrics): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const { labels, value } of (await metrics.redisErrors.counter.get()).values) counted[String(labels.kind)] = value;
  return counted;
}

/**
 * Whether a failed write says "not written" (503) or "may have been written" (504) is decided by
 * how ioredis failed the command; each case is produced here with a real redis-server, so an
 * ioredis upgrade that changes its errors fails these tests instead of turning 504s into 503s.
 */
describe('RedisStore: what a failed write says about its outcome', () => {
  let redis: TestRedis;
  let data: Redis;
  let store: RedisStore;
  let metrics: Metrics;

  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.close());
  beforeEach(async () => {
    metrics = createMetrics();
    data = await createRedisConnection(redis.url, { name: 'outcome-test', logger });
    store = new RedisStore({ redis: data, logMax: 1_000, logger, metrics });
  });
  afterEach(() => {
    data.disconnect();
  });

  it('when Redis is frozen (SIGSTOP), then a write times out as store_timeout, and Redis runs it once resumed', async () => {
    const blog = makeBlog();
    ok(await store.createBlog(blog));
    const entry = makeEntry(blog.id);
    const thaw = await freezeRedis(redis);
    try {
      await rejectsWith(store.createEntry(entry), 'store_timeout');
      // a read that timed out changed nothing: it stays "unavailable"
      await rejectsWith(store.getBlog(blog.id), 'store_unavailable');
    } finally {
      await thaw();
    }
    await waitFor(async () => (await store.getEntry(blog.id, entry.id)) !== null, 'the queued write to run after SIGCONT');
    assert.deepEqual(await redisErrors(metrics), { timeout: 2, connection: 0, reply: 0 });
  });

  it('when Redis pauses writes (CLIENT PAUSE WRITE), then a write is store_timeout and is stored once the pause ends', async () => {
    const blog = makeBlog();
    ok(await store.createBlog(blog));
    const entry = makeEntry(blog.id);
    await redis.admin.call('CLIENT', 'PAUSE', '3000', 'WRITE');
    try {
      await rejectsWith(store.createEntry(entry), 'store_timeout');
    } finally {
      await redis.admin.call('CLIENT', 'UNPAUSE');
    }
    await waitFor(async () => (await store.getEntry(blog.id, entry.id)) !== null, 'the paused write to run');
  });

  it('when the connection is killed while a write is in flight, then it is store_timeout (it may have run)', async () => {
    const blog = makeBlog();
    ok(await store.createBlog(blog));
    await redis.admin.call('CLIENT', 'PAUSE', '5000', 'WRITE');
    try {
      const pending = store.createEntry(makeEntry(blog.id));
      const id = connectionId(await redis.admin.call('CLIENT', 'LIST'), 'outcome-test');
      assert.ok(id !== undefined, 'the store connection is listed');
      await redis.admin.call('CLIENT', 'KILL', 'ID', id);
      await rejectsWith(pending, 'store_timeout');
    } finally {
      await redis.admin.call('CLIENT', 'UNPAUSE');
    }
    assert.equal((await redisErrors(metrics)).connection, 1);
  });

  it('when Redis refuses writes for lack of memory (OOM), then the write is store_unavailable and nothing is stored', async () => {
    const blog = makeBlog();
    ok(await store.createBlog(blog));
    const entry = makeEntry(blog.id);
    await redis.admin.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.admin.config('SET', 'maxmemory', '1');
    try {
      await rejectsWith(store.createEntry(entry), 'store_unavailable');
    } finally {
      await redis.admin.config('SET', 'maxmemory', '0');
    }
    assert.equal(await store.getEntry(blog.id, entry.id), null);
    assert.equal((await redisErrors(metrics)).reply, 1);
  });

  it('when Redis is a read-only replica (READONLY), then the write is store_unavailable and nothing is stored', async () => {
    const blog = makeBlog();
    ok(await store.createBlog(blog));
    const entry = makeEntry(blog.id);
    // a master that does not exist: the replica keeps its data and refuses writes
    await redis.admin.call('REPLICAOF', '127.0.0.1', '1');
    try {
      await rejectsWith(store.createEntry(entry), 'store_unavailable');
    } finally {
      await redis.admin.call('REPLICAOF', 'NO', 'ONE');
    }
    assert.equal(await store.getEntry(blog.id, entry.id), null);
  });

  it('when the client has ended (quit), then a write is store_unavailable: it was never sent', async () => {
    const blog = makeBlog();
    ok(await store.createBlog(blog));
    await data.quit();
    await rejectsWith(store.createEntry(makeEntry(blog.id)), 'store_unavailable');
    assert.equal((await redisErrors(metrics)).connection, 1);
  });

  describe('when Redis is down', () => {
    let lonely: TestRedis;
    let conn: Redis;
    before(async () => {
      lonely = await startRedis();
    });
    after(() => lonely.close());

    it('then writes are store_unavailable: ioredis refuses them before sending', async () => {
      conn = await createRedisConnection(lonely.url, { name: 'outcome-down', logger });
      const down = new RedisStore({ redis: conn, logMax: 1_000, logger, metrics });
      try {
        const blog = makeBlog();
        ok(await down.createBlog(blog));
        await lonely.stop();
        await waitFor(() => conn.status !== 'ready', 'the client to notice');
        await rejectsWith(down.createEntry(makeEntry(blog.id)), 'store_unavailable');
        await rejectsWith(down.updateBlog({ ...blog, title: 'Changed' }, blog.updatedAt), 'store_unavailable');
        assert.equal((await redisErrors(metrics)).connection, 2);
      } finally {
        conn.disconnect();
      }
    });
  });
});

/** The id of the client named `name` in a CLIENT LIST reply, if it is connected. */
function connectionId(list: unknown, name: string): string | undefined {
  const line = String(list)
    .split('\n')
    .find((l) => l.includes(` name=${name} `));
  return line === undefined ? undefined : /(?:^|\s)id=(\d+)/.exec(line)?.[1];
}
