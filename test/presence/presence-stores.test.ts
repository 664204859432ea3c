import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { AppError } from '../../server/errors/app-error.js';
import { silentLogger } from '../../server/log/logger.js';
import { MemoryPresenceStore, RedisPresenceStore, readersKey } from '../../server/presence/index.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { presenceStoreConformance } from './conformance.js';

presenceStoreConformance('MemoryPresenceStore', async () => ({ store: new MemoryPresenceStore(), close: async () => {} }));

describe('RedisPresenceStore', () => {
  let redis: TestRedis;
  const connections: Redis[] = [];
  const connect = async (): Promise<Redis> => {
    const connection = await createRedisConnection(redis.url, { name: 'presence-test', logger: silentLogger() });
    connections.push(connection);
    return connection;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const c of connections) c.disconnect();
    await redis.close();
  });

  presenceStoreConformance('RedisPresenceStore', async () => {
    const connection = await connect();
    return { store: new RedisPresenceStore(connection), close: async () => connection.disconnect() };
  });

  it('when counts are reported, then they sit in the blog hash as count:expiresAt and the key expires with them', async () => {
    const store = new RedisPresenceStore(await connect());
    await store.report('instance-a', new Map([['hash-shape', 4]]), 30_000);
    const fields = await redis.admin.hgetall(readersKey('hash-shape'));
    assert.deepEqual(Object.keys(fields), ['instance-a']);
    const [count, expiresAt] = (fields['instance-a'] ?? '').split(':');
    assert.equal(count, '4');
    const [seconds, micros] = await redis.admin.time();
    const remaining = Number(expiresAt) - (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000));
    assert.ok(remaining > 0 && remaining <= 30_000, `expires in ${remaining} ms`);
    const pttl = await redis.admin.pttl(readersKey('hash-shape'));
    assert.ok(pttl > 0 && pttl <= 30_000, `key ttl ${pttl}`);
  });

  it('when a field is expired or unreadable, then it is not counted and is removed', async () => {
    const key = readersKey('stale-fields');
    await redis.admin.hset(key, 'crashed', '9:1000', 'garbage', 'not-a-count');
    const store = new RedisPresenceStore(await connect());
    assert.deepEqual(await store.report('alive', new Map([['stale-fields', 2]]), 30_000), new Map([['stale-fields', 2]]));
    assert.deepEqual(Object.keys(await redis.admin.hgetall(key)), ['alive']);
  });

  it('when the last instance withdraws, then the key is gone', async () => {
    const store = new RedisPresenceStore(await connect());
    await store.report('only', new Map([['withdrawn', 3]]), 30_000);
    await store.report('only', new Map([['withdrawn', 0]]), 30_000);
    assert.equal(await redis.admin.exists(readersKey('withdrawn')), 0);
  });

  it('when Redis cannot be reached, then a report fails with store_unavailable', async () => {
    const connection = await connect();
    const store = new RedisPresenceStore(connection);
    connection.disconnect();
    await assert.rejects(
      store.report('a', new Map([['unreachable', 1]]), 30_000),
      (err: unknown) => err instanceof AppError && err.code === 'store_unavailable',
    );
  });
});
