import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BlogId } from '../../shared/index.js';
import { channelFor } from '../../server/bus/event-bus.js';
import { ShardedBus, pushedUnsubscribe } from '../../server/bus/sharded-bus.js';
import { AppError } from '../../server/errors/app-error.js';
import { silentLogger } from '../../server/log/logger.js';
import { createRedisCluster } from '../../server/store/redis-cluster.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { shardSubscribers, startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { freePort } from '../support/redis-server.js';
import { ok, storeConformance, waitFor } from './conformance.js';
import { makeBlog, makeEntry } from './fixtures.js';

const logger = silentLogger();

describe('RedisStore on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(() => cluster.close());

  /** A store on one Cluster connection and a sharded bus on another, as the service builds them. */
  async function clusterHarness(logMax = 1_000): Promise<{ store: RedisStore; bus: ShardedBus; close(): Promise<void> }> {
    const target = { nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), auth: { tls: false } };
    const data = await createRedisCluster(target, { name: 'store-test', logger });
    const bus = new ShardedBus({ cluster: await createRedisCluster(target, { name: 'bus-test', logger, shardedSubscribers: true }), logger });
    return {
      store: new RedisStore({ redis: data, logMax, logger }),
      bus,
      async close() {
        await bus.close();
        data.disconnect();
      },
    };
  }

  storeConformance('RedisStore on a Cluster', ({ logMax }) => clusterHarness(logMax));

  it('when blogs live on every shard, then each one\'s events reach the sharded bus and listing finds them all', async () => {
    const h = await clusterHarness();
    try {
      const spread = await cluster.idsOnEveryPrimary('shard');
      const published = new Map<BlogId, string[]>();
      h.bus.onMessage((blogId, raw) => published.set(blogId, [...(published.get(blogId) ?? []), raw]));
      for (const { id } of spread) {
        await h.bus.subscribe(id);
        ok(await h.store.createBlog(makeBlog({ id })));
        ok(await h.store.createEntry(makeEntry(id)));
      }
      await waitFor(() => spread.every(({ id }) => published.get(id)?.length === 2), 'two messages per blog');
      const listed = (await h.store.listBlogs()).map((b) => b.id);
      for (const { id } of spread) assert.ok(listed.includes(id), `${id} listed`);
    } finally {
      await h.close();
    }
  });

  it("when a shard's subscriber connection is killed, then the bus re-subscribes that blog on its shard before telling the consumer", async () => {
    const h = await clusterHarness();
    try {
      const [target, other] = await cluster.idsOnEveryPrimary('resub');
      await h.bus.subscribe(target!.id);
      await h.bus.subscribe(other!.id);
      const told: (readonly BlogId[] | undefined)[] = [];
      const subscribersWhenTold: number[] = [];
      h.bus.onResubscribed((blogIds) => {
        told.push(blogIds);
        void shardSubscribers(target!.primary, channelFor(target!.id)).then((n) => subscribersWhenTold.push(n));
      });
      assert.equal(await target!.primary.admin.client('KILL', 'TYPE', 'pubsub'), 1);
      await waitFor(() => subscribersWhenTold.length === 1, 'the resubscribed notice');
      assert.deepEqual(told, [[target!.id]]);
      assert.deepEqual(subscribersWhenTold, [1]);
    } finally {
      await h.close();
    }
  });

  it("when a subscribed channel's slot moves, then ioredis reports Redis' sunsubscribe push in the form the sharded bus reads", async () => {
    // The bus relies on this to re-subscribe at once rather than at the next slot map refresh.
    const [moving, destination] = await cluster.idsOnEveryPrimary('push');
    const target = { nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), auth: { tls: false } };
    const subscriber = await createRedisCluster(target, { name: 'push-test', logger, shardedSubscribers: true });
    try {
      const reported: (BlogId | null)[] = [];
      subscriber.on('nodeError', (err: unknown) => reported.push(pushedUnsubscribe(err)));
      await subscriber.ssubscribe(channelFor(moving!.id));
      await cluster.migrateSlot(moving!.slot, destination!.primary);
      await waitFor(() => reported.length > 0, 'the pushed sunsubscribe');
      assert.equal(reported[0], moving!.id);
    } finally {
      subscriber.disconnect();
    }
  });

  it('when no seed node answers, then connecting fails with store_unavailable naming the seeds', async () => {
    const port = await freePort();
    await assert.rejects(
      createRedisCluster({ nodes: [{ host: '127.0.0.1', port }], auth: { tls: false } }, { name: 'nowhere', logger }),
      (err: unknown) => err instanceof AppError && err.code === 'store_unavailable' && err.message.includes(`127.0.0.1:${port}`),
    );
  });
});
