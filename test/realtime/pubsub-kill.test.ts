import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlog, postEntry } from '../support/api.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { openReader } from '../support/test-reader.js';

describe('subscriber connections killed in the middle of a stream', () => {
  let redis: TestRedis;
  let a: TestInstance;
  let b: TestInstance;

  before(async () => {
    redis = await startRedis();
    a = await startInstance({ redisUrl: redis.url });
    b = await startInstance({ redisUrl: redis.url });
  });
  after(async () => {
    await a.close();
    await b.close();
    await redis.close();
  });

  it('when CLIENT KILL TYPE pubsub hits both instances twice, then every reader still ends with every event once and in order', async () => {
    await createBlog(a.url, a.adminToken, { id: 'pubsub-kill', title: 'Pub/sub kill' });
    const readers = [
      await openReader(a.url, 'pubsub-kill'),
      await openReader(a.url, 'pubsub-kill'),
      await openReader(b.url, 'pubsub-kill'),
      await openReader(b.url, 'pubsub-kill'),
    ];
    const posted: string[] = [];
    let lastSeq = 0;
    let killed = 0;
    for (let i = 0; i < 60; i += 1) {
      if (i === 20 || i === 40) {
        const reply = await redis.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        killed += Number(reply);
      }
      const target = i % 2 === 0 ? a : b;
      const res = await postEntry(target.url, target.adminToken, 'pubsub-kill', `Entry ${i}`);
      posted.push(res.entry.id);
      lastSeq = res.position.seq;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(killed >= 4, `both instances' subscriber connections were killed twice (killed ${killed})`);

    for (const reader of readers) {
      await reader.waitForSeq(lastSeq, 10_000);
      assertAppliedInOrderOnce(reader.applied, posted);
      assertNoDuplicateDeliveries(reader.received);
      await reader.close();
    }
  });

  it('when the subscriber connection is killed and nothing more is posted, then the missed entries still arrive', async () => {
    await createBlog(a.url, a.adminToken, { id: 'quiet-after-kill', title: 'Quiet after kill' });
    const reader = await openReader(b.url, 'quiet-after-kill');
    await redis.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    // Posted while B's subscriber is down (it reconnects within its backoff).
    const posted = [
      await postEntry(a.url, a.adminToken, 'quiet-after-kill', 'Posted during the outage 1'),
      await postEntry(a.url, a.adminToken, 'quiet-after-kill', 'Posted during the outage 2'),
    ];
    await reader.waitForSeq(posted[1]!.position.seq, 10_000);
    assertAppliedInOrderOnce(
      reader.applied,
      posted.map((p) => p.entry.id),
    );
    await reader.close();
  });
});
