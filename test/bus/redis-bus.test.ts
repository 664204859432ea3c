import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { BlogId } from '../../shared/index.js';
import { channelFor } from '../../server/bus/event-bus.js';
import { RedisBus, blogIdOfChannel } from '../../server/bus/redis-bus.js';
import { AppError } from '../../server/errors/app-error.js';
import { silentLogger } from '../../server/log/logger.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { waitFor } from '../store/conformance.js';
import { uniqueBlogId } from '../store/fixtures.js';

const logger = silentLogger();

describe('RedisBus', () => {
  let redis: TestRedis;
  let bus: RedisBus;
  let received: { blogId: BlogId; raw: string }[];

  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.close());

  beforeEach(async () => {
    bus = new RedisBus({ redis: await createRedisConnection(redis.url, { name: 'bus-test', logger }), logger });
    received = [];
    bus.onMessage((blogId, raw) => received.push({ blogId, raw }));
  });
  afterEach(() => bus.close());

  it('when subscribe resolves, then a message published right after is delivered with its blog id', async () => {
    const blogId = uniqueBlogId();
    await bus.subscribe(blogId);
    assert.equal(await redis.admin.publish(channelFor(blogId), '{"n":1}'), 1);
    await waitFor(() => received.length === 1, 'the message');
    assert.deepEqual(received, [{ blogId, raw: '{"n":1}' }]);
  });

  it('when the pub/sub connection is killed, then the bus re-subscribes before telling the consumer, and messages flow again', async () => {
    const blogs = [uniqueBlogId(), uniqueBlogId()];
    for (const blogId of blogs) await bus.subscribe(blogId);
    const subscribersWhenTold: number[] = [];
    let told = 0;
    bus.onResubscribed(() => {
      told += 1;
      // Told only once Redis confirmed: a publish at this instant already reaches the bus.
      void Promise.all(blogs.map((blogId) => redis.admin.publish(channelFor(blogId), 'probe'))).then((counts) => subscribersWhenTold.push(...counts));
    });
    const killed = await redis.admin.client('KILL', 'TYPE', 'pubsub');
    assert.equal(killed, 1);
    await waitFor(() => subscribersWhenTold.length === 2, 'the resubscribed handler');
    assert.equal(told, 1);
    assert.deepEqual(subscribersWhenTold, [1, 1]);
    await redis.admin.publish(channelFor(blogs[1]!), 'after');
    await waitFor(() => received.some((m) => m.raw === 'after'), 'a message after the reconnection');
    assert.deepEqual(received.map((m) => m.raw).sort(), ['after', 'probe', 'probe']);
  });

  it('when a blog is unsubscribed, then its messages stop while other blogs keep flowing', async () => {
    const [gone, kept] = [uniqueBlogId(), uniqueBlogId()];
    await bus.subscribe(gone);
    await bus.subscribe(kept);
    await bus.unsubscribe(gone);
    assert.equal(await redis.admin.publish(channelFor(gone), 'lost'), 0);
    await redis.admin.publish(channelFor(kept), 'kept');
    await waitFor(() => received.length === 1, 'the kept message');
    assert.deepEqual(received, [{ blogId: kept, raw: 'kept' }]);
  });

  it('when the consumer throws, then the bus drops that message and delivers the next ones', async () => {
    const blogId = uniqueBlogId();
    bus.onMessage((id, raw) => {
      if (raw === 'bad') throw new Error('consumer bug');
      received.push({ blogId: id, raw });
    });
    await bus.subscribe(blogId);
    await redis.admin.publish(channelFor(blogId), 'bad');
    await redis.admin.publish(channelFor(blogId), 'good');
    await waitFor(() => received.length === 1, 'the good message');
    assert.deepEqual(received, [{ blogId, raw: 'good' }]);
  });

  it('when the bus is closed, then it refuses new subscriptions and closing again is harmless', async () => {
    await bus.close();
    await assert.rejects(bus.subscribe(uniqueBlogId()), (err: unknown) => err instanceof AppError && err.code === 'store_unavailable');
    await bus.close();
  });

  it('when a channel is mapped back, then only blog channels give a blog id', () => {
    assert.equal(blogIdOfChannel(channelFor('election-night')), 'election-night');
    assert.equal(blogIdOfChannel('lb:{Bad Id}:events'), null);
    assert.equal(blogIdOfChannel('something-else'), null);
  });
});
