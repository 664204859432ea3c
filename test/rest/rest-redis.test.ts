import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { restContract } from './contract.js';
import { redisStore } from './stores.js';

let redis: TestRedis | undefined;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.close();
});

restContract('redis', async () => {
  assert.ok(redis, 'redis starts in before()');
  return redisStore(redis.url);
});
