import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { BlogEvent } from '../../shared/index.js';
import { RedisBus } from '../../server/bus/redis-bus.js';
import { AppError } from '../../server/errors/app-error.js';
import { silentLogger } from '../../server/log/logger.js';
import { blogKeys, BLOG_INDEX_KEY } from '../../server/store/keys.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { freePort, startRedis, type TestRedis } from '../support/redis-server.js';
import { ok, storeConformance, waitFor } from './conformance.js';
import { makeBlog, makeEntry, uniqueBlogId } from './fixtures.js';

const logger = silentLogger();

/** A store and a bus on their own connections to the test Redis. */
async function redisHarness(url: string, logMax = 1_000): Promise<{ store: RedisStore; bus: RedisBus; data: Redis; close(): Promise<void> }> {
  const data = await createRedisConnection(url, { name: 'store-test', logger });
  const subscriber = await createRedisConnection(url, { name: 'bus-test', logger });
  const store = new RedisStore({ redis: data, logMax, logger });
  const bus = new RedisBus({ redis: subscriber, logger });
  return {
    store,
    bus,
    data,
    async close() {
      await bus.close();
      data.disconnect();
    },
  };
}

async function rejectsUnavailable(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof AppError && err.code === 'store_unavailable');
}

describe('RedisStore', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.close());

  storeConformance('RedisStore', ({ logMax }) => redisHarness(redis.url, logMax));

  describe('on Redis itself', () => {
    let h: Awaited<ReturnType<typeof redisHarness>>;
    beforeEach(async () => {
      h = await redisHarness(redis.url);
    });
    afterEach(() => h.close());

    it('when a mutation publishes, then the message is byte-identical to the stream entry and every key carries the blog hash tag', async () => {
      const blog = makeBlog();
      const raws: string[] = [];
      h.bus.onMessage((_blogId, raw) => raws.push(raw));
      await h.bus.subscribe(blog.id);
      ok(await h.store.createBlog(blog));
      ok(await h.store.createEntry(makeEntry(blog.id), { key: 'k', fingerprint: 'f' }));
      await waitFor(() => raws.length === 2, 'two messages');
      const stream = await redis.admin.xrange(blogKeys(blog.id).log, '-', '+');
      assert.deepEqual(stream.map(([id]) => id), ['1-0', '2-0']);
      assert.deepEqual(stream.map(([, fields]) => fields[1]), raws);
      const keys = await redis.admin.keys(`*${blog.id}*`);
      assert.ok(keys.length >= 6);
      assert.ok(keys.every((key) => key.startsWith(`lb:{${blog.id}}:`)), keys.join(', '));
    });

    it('when Redis is flushed, then creating the blog again starts a new epoch at seq 1', async () => {
      const blog = makeBlog();
      const first = ok(await h.store.createBlog(blog)).position;
      await redis.admin.flushall();
      assert.equal(await h.store.position(blog.id), null);
      const again = ok(await h.store.createBlog(blog)).position;
      assert.equal(again.seq, 1);
      assert.notEqual(again.epoch, first.epoch);
    });

    it('when the blog index names a blog that was never written, then listing skips it', async () => {
      const blog = makeBlog();
      ok(await h.store.createBlog(blog));
      const ghost = uniqueBlogId('ghost');
      await redis.admin.zadd(BLOG_INDEX_KEY, Date.now() + 60_000, ghost);
      const ids = (await h.store.listBlogs()).map((b) => b.id);
      assert.ok(ids.includes(blog.id));
      assert.ok(!ids.includes(ghost));
    });

    it('when one stored entry is corrupt, then pages skip it and the rest of the blog is served', async () => {
      const blog = makeBlog();
      ok(await h.store.createBlog(blog));
      const good = ok(await h.store.createEntry(makeEntry(blog.id))).entry;
      const bad = ok(await h.store.createEntry(makeEntry(blog.id))).entry;
      await redis.admin.hset(blogKeys(blog.id).entries, bad.id, '{"not":"an entry"');
      const page = await h.store.snapshot(blog.id, { limit: 10 });
      assert.deepEqual(page?.entries.map((e) => e.id), [good.id]);
      await assert.rejects(h.store.getEntry(blog.id, bad.id), (err: unknown) => err instanceof AppError && err.code === 'internal');
      assert.deepEqual(await h.store.getEntry(blog.id, good.id), good);
    });

    it('when a stored event is corrupt, then a catch-up across it becomes a reset', async () => {
      const blog = makeBlog();
      const { position } = ok(await h.store.createBlog(blog));
      ok(await h.store.createEntry(makeEntry(blog.id)));
      await redis.admin.xadd(blogKeys(blog.id).log, '3-0', 'e', '{"broken":true}');
      await redis.admin.hset(blogKeys(blog.id).meta, 'seq', 3);
      const result = await h.store.readEvents(blog.id, { epoch: position.epoch, after: 1 }, { pageSize: 5, maxEvents: 100 });
      assert.equal(result?.reset, true);
      assert.deepEqual(result?.position, { epoch: position.epoch, seq: 3 });
    });

    it('when the meta hash has vanished, then the blog gets a new epoch instead of failing', async () => {
      const blog = makeBlog();
      const { position } = ok(await h.store.createBlog(blog));
      await redis.admin.del(blogKeys(blog.id).meta);
      const now = await h.store.position(blog.id);
      assert.ok(now);
      assert.notEqual(now.epoch, position.epoch);
      assert.equal(ok(await h.store.createEntry(makeEntry(blog.id))).position.seq, 1);
      const [event] = (await h.store.readEvents(blog.id, { epoch: now.epoch, after: 0 }, { pageSize: 5, maxEvents: 10 }).then((r) =>
        r && !r.reset ? r.events : [],
      )) as BlogEvent[];
      assert.equal(event?.type, 'entry.created');
    });

    it('when Redis persists nothing, then persistenceInfo says so; when AOF or RDB is on, it says that', async () => {
      assert.deepEqual(await h.store.persistenceInfo(), { aof: false, rdb: false });
      await redis.admin.config('SET', 'save', '3600 1');
      try {
        assert.deepEqual(await h.store.persistenceInfo(), { aof: false, rdb: true });
      } finally {
        await redis.admin.config('SET', 'save', '');
      }
    });
  });

  describe('when CONFIG is disabled', () => {
    let locked: TestRedis;
    before(async () => {
      locked = await startRedis(['--rename-command', 'CONFIG', '']);
    });
    after(() => locked.close());

    it('when CONFIG is unavailable, then persistenceInfo falls back to INFO persistence', async () => {
      const h = await redisHarness(locked.url);
      try {
        assert.deepEqual(await h.store.persistenceInfo(), { aof: false, rdb: false });
      } finally {
        await h.close();
      }
    });
  });

  describe('when Redis goes away', () => {
    let lonely: TestRedis;
    before(async () => {
      lonely = await startRedis();
    });
    after(() => lonely.close());

    it('when Redis is stopped, then every call fails fast with store_unavailable, and works again once it is back', async () => {
      const h = await redisHarness(lonely.url);
      try {
        const blog = makeBlog();
        ok(await h.store.createBlog(blog));
        await lonely.stop();
        await waitFor(() => h.data.status !== 'ready', 'the client to notice');
        await rejectsUnavailable(h.store.createEntry(makeEntry(blog.id)));
        await rejectsUnavailable(h.store.readEvents(blog.id, {}, { pageSize: 5, maxEvents: 10 }));
        await rejectsUnavailable(h.store.listBlogs());
        await rejectsUnavailable(h.store.ping());
        await lonely.start();
        await waitFor(() => h.store.ping().then(() => true, () => false), 'the store to answer again');
        // The restarted Redis is empty: the blog is gone and can be created anew.
        ok(await h.store.createBlog(blog));
      } finally {
        await h.close();
      }
    });

    it('when nothing listens on the port, then connecting fails with a clear store_unavailable', async () => {
      const port = await freePort();
      await assert.rejects(createRedisConnection(`redis://127.0.0.1:${port}`, { name: 'nowhere', logger }), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'store_unavailable');
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        return true;
      });
    });
  });
});
