import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryTokenStore, RedisTokenStore, TOUCH_INTERVAL_MS, type TokenStore } from '../../server/auth/index.js';
import { TokenRecord } from '../../shared/protocol/tokens.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

/** A clock the test moves by hand. */
interface Clock {
  now: () => number;
  advance(ms: number): void;
}

function manualClock(start = Date.parse('2030-01-01T00:00:00.000Z')): Clock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** The TokenStore contract, run against every implementation. */
function conformance(name: string, makeStore: (clock: Clock) => TokenStore, hooks: { reset?: () => Promise<unknown> } = {}): void {
  describe(`TokenStore conformance: ${name}`, () => {
    let clock: Clock;
    let store: TokenStore;
    beforeEach(async () => {
      await hooks.reset?.();
      clock = manualClock();
      store = makeStore(clock);
    });

    test('when a token is created, then its plaintext verifies to the record created with it', async () => {
      const { token, record } = await store.create('Ada', 'editor');
      assert.match(token, /^lb_[A-Za-z0-9_-]{43}$/);
      TokenRecord.parse(record);
      assert.deepEqual(record, { id: record.id, name: 'Ada', role: 'editor', createdAt: new Date(clock.now()).toISOString() });
      assert.deepEqual(await store.verify(token), record);
    });

    test('when two tokens are created, then their secrets and ids differ', async () => {
      const a = await store.create('Same name', 'editor');
      const b = await store.create('Same name', 'editor');
      assert.notEqual(a.token, b.token);
      assert.notEqual(a.record.id, b.record.id);
      assert.equal((await store.verify(b.token))?.id, b.record.id);
    });

    test('when an unknown, altered or malformed token is verified, then null', async () => {
      const { token } = await store.create('Ada', 'editor');
      const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      for (const candidate of [flipped, `lb_${'A'.repeat(43)}`, token.slice(3), `${token}x`, '', 'lb_', 'x'.repeat(2000)]) {
        assert.equal(await store.verify(candidate), null, candidate);
      }
    });

    test('when listing, then every live token is there oldest first, without hashes', async () => {
      const first = await store.create('First', 'editor');
      clock.advance(1_000);
      const second = await store.create('Second', 'admin');
      const list = await store.list();
      assert.deepEqual(
        list.map((r) => r.id),
        [first.record.id, second.record.id],
      );
      assert.deepEqual(list[1], second.record);
      for (const record of list) assert.deepEqual(Object.keys(record).sort(), ['createdAt', 'id', 'name', 'role']);
    });

    test('when a token is revoked, then it no longer verifies nor lists, and revoking again reports false', async () => {
      const keep = await store.create('Keep', 'editor');
      const gone = await store.create('Gone', 'editor');
      assert.equal(await store.revoke(gone.record.id), true);
      assert.equal(await store.verify(gone.token), null);
      assert.deepEqual(
        (await store.list()).map((r) => r.id),
        [keep.record.id],
      );
      assert.equal(await store.revoke(gone.record.id), false);
      assert.deepEqual(await store.verify(keep.token), keep.record);
    });

    test('when an id that was never issued is revoked, then false and nothing else changes', async () => {
      const keep = await store.create('Keep', 'editor');
      for (const id of ['nosuchtokenid000', 'ids', 'byhash:x', '', '../../etc']) {
        assert.equal(await store.revoke(id), false, id);
      }
      assert.deepEqual(await store.verify(keep.token), keep.record);
    });

    test('when a token is touched, then lastUsedAt is set, and touches within a minute do not rewrite it', async () => {
      const { token, record } = await store.create('Busy', 'editor');
      clock.advance(5_000);
      await store.touch(record.id);
      const firstUse = new Date(clock.now()).toISOString();
      assert.equal((await store.verify(token))?.lastUsedAt, firstUse);

      clock.advance(TOUCH_INTERVAL_MS - 1);
      await store.touch(record.id);
      assert.equal((await store.verify(token))?.lastUsedAt, firstUse);
      assert.equal((await store.list())[0]?.lastUsedAt, firstUse);

      clock.advance(1);
      await store.touch(record.id);
      assert.equal((await store.verify(token))?.lastUsedAt, new Date(clock.now()).toISOString());
    });

    test('when a revoked or unknown token is touched, then nothing comes back', async () => {
      const { token, record } = await store.create('Gone', 'editor');
      await store.revoke(record.id);
      await store.touch(record.id);
      await store.touch('nosuchtokenid000');
      assert.deepEqual(await store.list(), []);
      assert.equal(await store.verify(token), null);
    });

    test('when a returned record is mutated by the caller, then the store is unaffected', async () => {
      const { token, record } = await store.create('Stable', 'editor');
      record.name = 'Changed';
      const verified = await store.verify(token);
      assert.equal(verified?.name, 'Stable');
      if (verified) verified.role = 'admin';
      assert.equal((await store.list())[0]?.role, 'editor');
    });
  });
}

conformance('memory', (clock) => new MemoryTokenStore({ now: clock.now }));

let redis: TestRedis;
let client: Redis;
before(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});
after(async () => {
  client.disconnect();
  await redis.close();
});
conformance('redis', (clock) => new RedisTokenStore(client, { now: clock.now }), { reset: () => redis.admin.flushall() });
