import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { openReader } from '../support/test-reader.js';

describe('Redis loses its data', () => {
  let redis: TestRedis;
  let server: TestInstance;

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url });
  });
  after(async () => {
    await server.close();
    await redis.close();
  });

  it('when Redis is FLUSHALLed and the blog is written again, then readers reset to the new epoch instead of a silent gap', async () => {
    await createBlog(server.url, server.adminToken, { id: 'flushed', title: 'Flushed' });
    const before = [
      await postEntry(server.url, server.adminToken, 'flushed', 'Before 1'),
      await postEntry(server.url, server.adminToken, 'flushed', 'Before 2'),
    ];
    const reader = await openReader(server.url, 'flushed');
    await reader.waitForSeq(before[1]!.position.seq);
    const oldEpoch = reader.state!.position.epoch;
    const resetsBefore = reader.resets;

    await redis.admin.flushall();
    await createBlog(server.url, server.adminToken, { id: 'flushed', title: 'Flushed, again' });
    const afterFlush = await postEntry(server.url, server.adminToken, 'flushed', 'After the flush');
    assert.notEqual(afterFlush.position.epoch, oldEpoch, 'a log created anew has a new epoch');

    await reader.waitFor((r) => r.state?.position.epoch === afterFlush.position.epoch && r.state.position.seq >= afterFlush.position.seq, 10_000);
    assert.ok(reader.resets > resetsBefore, 'the reader went through a reset');
    const ids = [...reader.state!.entries.keys()];
    assert.deepEqual(ids, [afterFlush.entry.id], 'only what the new log holds is shown');
    assert.equal(reader.state!.blog.title, 'Flushed, again');
    await reader.close();
  });

  it('when Redis restarts without persistence, then readers that come back get a reset, never a silent gap', async () => {
    await createBlog(server.url, server.adminToken, { id: 'restarted', title: 'Restarted' });
    const old = await postEntry(server.url, server.adminToken, 'restarted', 'Before the restart');
    const reader = await openReader(server.url, 'restarted');
    await reader.waitForSeq(old.position.seq);

    await redis.stop(true);
    await redis.start();
    // Wait until the instance is ready again (its connections reconnect by themselves).
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${server.url}/readyz`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'the instance becomes ready again after Redis is back');
      await new Promise((r) => setTimeout(r, 100));
    }
    await createBlog(server.url, server.adminToken, { id: 'restarted', title: 'Restarted' });
    const fresh = [
      await postEntry(server.url, server.adminToken, 'restarted', 'After 1'),
      await postEntry(server.url, server.adminToken, 'restarted', 'After 2'),
    ];
    await reader.waitFor((r) => r.state?.position.epoch === fresh[1]!.position.epoch && r.state.position.seq >= fresh[1]!.position.seq, 10_000);
    assert.deepEqual(
      [...reader.state!.entries.keys()].sort(),
      fresh.map((f) => f.entry.id).sort(),
      'the entry from before the restart is gone and nothing was skipped',
    );
    await reader.close();
  });

  it('when the log goes backwards within an epoch, then the relay starts a new epoch and readers reset', async () => {
    await createBlog(server.url, server.adminToken, { id: 'rolled-back', title: 'Rolled back' });
    const kept = await postEntry(server.url, server.adminToken, 'rolled-back', 'Kept');
    const keys = await redis.admin.keys('lb:{rolled-back}:*');
    const dumps = await Promise.all(keys.map(async (key) => [key, await redis.admin.dumpBuffer(key)] as const));
    const lost = await postEntry(server.url, server.adminToken, 'rolled-back', 'Lost in the rollback');
    const reader = await openReader(server.url, 'rolled-back');
    await reader.waitForSeq(lost.position.seq);

    // Simulate Redis coming back from an older snapshot: the seq counter goes back.
    for (const [key, dump] of dumps) {
      if (dump !== null) await redis.admin.restore(key, 0, dump, 'REPLACE');
    }
    await redis.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');

    await reader.waitFor((r) => r.state !== undefined && r.state.position.epoch !== kept.position.epoch, 10_000);
    const next = await postEntry(server.url, server.adminToken, 'rolled-back', 'After the rollback');
    await reader.waitFor((r) => r.state?.entries.has(next.entry.id) === true, 5_000);
    assert.equal(next.position.epoch, reader.state!.position.epoch);
    await reader.close();
  });

  it('when the log loses an entry readers have and a new write takes its seq, then readers reset instead of keeping the lost entry', async () => {
    // What a failover to a replica that never got the last write looks like: the seq counter goes
    // back and the next write reuses the seq; pub/sub stays up, so only the event's content differs.
    await createBlog(server.url, server.adminToken, { id: 'seq-reused', title: 'Seq reused' });
    const kept = await postEntry(server.url, server.adminToken, 'seq-reused', 'Kept');
    const keys = await redis.admin.keys('lb:{seq-reused}:*');
    const dumps = await Promise.all(keys.map(async (key) => [key, await redis.admin.dumpBuffer(key)] as const));
    const lost = await postEntry(server.url, server.adminToken, 'seq-reused', 'Lost in the failover');
    const reader = await openReader(server.url, 'seq-reused');
    await reader.waitForSeq(lost.position.seq);

    for (const [key, dump] of dumps) {
      if (dump !== null) await redis.admin.restore(key, 0, dump, 'REPLACE');
    }
    const reused = await postEntry(server.url, server.adminToken, 'seq-reused', 'Written after the failover');
    assert.deepEqual(reused.position, lost.position, 'the new write took the lost entry\'s place in the log');

    await reader.waitFor((r) => r.state !== undefined && r.state.position.epoch !== kept.position.epoch, 10_000);
    await reader.waitFor((r) => r.state?.entries.has(reused.entry.id) === true, 5_000);
    assert.deepEqual([...reader.state!.entries.keys()].sort(), [kept.entry.id, reused.entry.id].sort(), 'readers hold what the store holds');
    await reader.close();
  });
});
