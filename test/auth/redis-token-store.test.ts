import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisTokenStore } from '../../server/auth/index.js';
import { AppError } from '../../server/errors/app-error.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { ADMIN_TOKEN, EDITOR_ROUTE, issueToken, startAuthApp, type AuthApp } from './support.js';

/** Every key of the test Redis with its value rendered as text, whatever its type. */
async function dumpRedis(redis: Redis): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      switch (type) {
        case 'string':
          dump.set(key, (await redis.get(key)) ?? '');
          break;
        case 'set':
          dump.set(key, (await redis.smembers(key)).join('\n'));
          break;
        default:
          dump.set(key, `(unexpected ${type})`);
      }
    }
  } while (cursor !== '0');
  return dump;
}

describe('RedisTokenStore shared by two instances', () => {
  let redis: TestRedis;
  let clientA: Redis;
  let clientB: Redis;
  let serverA: AuthApp;
  let serverB: AuthApp;

  before(async () => {
    redis = await startRedis();
    clientA = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    clientB = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    serverA = await startAuthApp({ tokens: new RedisTokenStore(clientA) });
    serverB = await startAuthApp({ tokens: new RedisTokenStore(clientB) });
  });
  after(async () => {
    await serverA.close();
    await serverB.close();
    clientA.disconnect();
    clientB.disconnect();
    await redis.close();
  });
  beforeEach(() => redis.admin.flushall());

  test('when a token issued on one instance is used on the other, then it is accepted there', async () => {
    const { token, id } = await issueToken(serverA, 'Roaming editor');
    const res = await serverB.call('GET', EDITOR_ROUTE, { token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { name: 'Roaming editor', role: 'editor', tokenId: id });
  });

  test('when a token is revoked on one instance, then the other refuses it immediately', async () => {
    const { token, id } = await issueToken(serverA, 'Leaving editor');
    assert.equal((await serverB.call('GET', EDITOR_ROUTE, { token })).status, 200);

    assert.equal((await serverA.call('DELETE', `/api/tokens/${id}`, { token: ADMIN_TOKEN })).status, 204);

    const refused = await serverB.call('GET', EDITOR_ROUTE, { token });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'unauthenticated');
    assert.equal((await serverA.call('GET', EDITOR_ROUTE, { token })).status, 401);
    const listB = await serverB.call('GET', '/api/tokens', { token: ADMIN_TOKEN });
    assert.deepEqual(listB.body.tokens, []);
    assert.equal((await serverB.call('DELETE', `/api/tokens/${id}`, { token: ADMIN_TOKEN })).status, 404);
  });

  test('when tokens are issued and used, then Redis holds only their sha256 digests, never the plaintext', async () => {
    const issued = [await issueToken(serverA, 'One'), await issueToken(serverB, 'Two', 'admin')];
    for (const { token } of issued) assert.equal((await serverB.call('GET', EDITOR_ROUTE, { token })).status, 200);

    const dump = await dumpRedis(redis.admin);
    const everything = [...dump].map(([key, value]) => `${key}\n${value}`).join('\n');
    for (const { token, id } of issued) {
      const secret = token.slice('lb_'.length);
      assert.ok(!everything.includes(secret), 'the secret part of a token is stored somewhere');
      assert.ok(!everything.includes(secret.slice(0, 16)), 'a fragment of a token secret is stored somewhere');
      const digest = createHash('sha256').update(token).digest('hex');
      assert.equal(dump.get(`lb:{tokens}:byhash:${digest}`), id);
      assert.ok(dump.has(`lb:{tokens}:${id}`));
    }
    assert.deepEqual([...dump.keys()].filter((k) => !k.startsWith('lb:{tokens}:')), []);
    assert.deepEqual((dump.get('lb:{tokens}:ids') ?? '').split('\n').sort(), issued.map((t) => t.id).sort());
  });

  test('when a token is revoked, then none of its keys remain in Redis', async () => {
    const keep = await issueToken(serverA, 'Keep');
    const gone = await issueToken(serverA, 'Gone');
    assert.equal((await serverB.call('DELETE', `/api/tokens/${gone.id}`, { token: ADMIN_TOKEN })).status, 204);
    const dump = await dumpRedis(redis.admin);
    assert.deepEqual(
      [...dump.keys()].sort(),
      [`lb:{tokens}:${keep.id}`, `lb:{tokens}:byhash:${createHash('sha256').update(keep.token).digest('hex')}`, 'lb:{tokens}:ids'].sort(),
    );
  });

  test('when a token record in Redis is corrupt, then it neither authenticates nor breaks the listing', async () => {
    const good = await issueToken(serverA, 'Good');
    const bad = await issueToken(serverA, 'Bad');
    await redis.admin.set(`lb:{tokens}:${bad.id}`, '{"not":"a record"');
    assert.equal((await serverB.call('GET', EDITOR_ROUTE, { token: bad.token })).status, 401);
    const list = await serverB.call('GET', '/api/tokens', { token: ADMIN_TOKEN });
    assert.deepEqual(
      list.body.tokens.map((t: { id: string }) => t.id),
      [good.id],
    );
  });
});

describe('RedisTokenStore when Redis is unreachable', () => {
  let redis: TestRedis;
  let client: Redis;
  let server: AuthApp;

  before(async () => {
    redis = await startRedis();
    // no retries and no offline queue: a lost connection fails commands at once instead of queueing them
    client = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on('error', () => {
      // the commands' rejections are what the test looks at
    });
    await client.connect();
    server = await startAuthApp({ tokens: new RedisTokenStore(client) });
  });
  after(async () => {
    await server.close();
    client.disconnect();
    await redis.close();
  });

  test('when the store cannot be reached, then its methods throw AppError store_unavailable and a store token gets 503, not 401', async () => {
    const { token } = await issueToken(server, 'Editor');
    await redis.stop(true);
    await new Promise<void>((resolve) => (client.status === 'end' ? resolve() : client.once('end', () => resolve())));

    const store = new RedisTokenStore(client);
    for (const attempt of [() => store.verify(token), () => store.list(), () => store.create('X', 'editor'), () => store.revoke('abcdefghijklmnop')]) {
      await assert.rejects(attempt(), (err: unknown) => err instanceof AppError && err.code === 'store_unavailable');
    }

    const res = await server.call('GET', EDITOR_ROUTE, { token });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'store_unavailable');
    assert.ok(!JSON.stringify(res.body).includes(token));

    const asAdmin = await server.call('GET', EDITOR_ROUTE, { token: ADMIN_TOKEN });
    assert.equal(asAdmin.status, 200, 'the admin token does not depend on the store');
  });
});
