import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBlog, postEntry } from '../support/api.js';
import { storedEntryIds } from '../support/chaos/check.js';
import { Publisher, type AttemptOutcome } from '../support/chaos/publisher.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedisSentinel, type TestSentinel } from '../support/redis-sentinel.js';
import { openReader, type TestReader } from '../support/test-reader.js';

/** Entries answered before the kill (a running feed) and again after the recovery (checked too). */
const ENTRIES_AROUND_FAULT = 8;

async function publishedAtLeast(publisher: Publisher, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (publisher.published.length < count) {
    if (Date.now() > deadline || publisher.failures.length > 0) assert.fail(`${count} entries were not answered 201 in time: ${publisher.failures.join('; ')}`);
    await sleep(20);
  }
}

interface FailoverFigures {
  failoverMs: number;
  entries: number;
  retries: number;
  lostAfter201: number;
  longestPostMs: number;
  extraResets: number;
}

/**
 * Two instances on the Sentinel deployment, two readers on each, a publisher posting every 50 ms
 * and retrying 503/504 (and with WAIT, 202) with the same key; SIGKILLs the primary, lets the sentinels promote the replica,
 * brings the old primary back as the new one's replica, posts a little longer, and checks what the
 * readers and the store hold.
 */
async function failoverUnderLoad(sentinel: TestSentinel, waitReplicas: 0 | 1, blogId: string): Promise<FailoverFigures> {
  await sentinel.waitUntilReplicating();
  const env = { ...sentinel.env, REDIS_WAIT_REPLICAS: String(waitReplicas), REDIS_WAIT_TIMEOUT_MS: '500' };
  const instances: TestInstance[] = [await startInstance({ env }), await startInstance({ env })];
  const readers: TestReader[] = [];
  try {
    const [a, b] = instances as [TestInstance, TestInstance];
    await createBlog(a.url, a.adminToken, { id: blogId, title: `Failover with WAIT ${waitReplicas}` });
    for (const instance of [a, a, b, b]) readers.push(await openReader(instance.url, blogId));
    // the first entry of each instance starts its renderer: not part of the figures
    const warmUps: string[] = [];
    for (const instance of instances) warmUps.push((await postEntry(instance.url, instance.adminToken, blogId, `Warm-up on ${instance.url}`)).entry.id);
    const resetsBefore = readers.map((r) => r.resets);
    const epochBefore = readers[0]!.position?.epoch;

    const attempts: { outcome: AttemptOutcome; at: number }[] = [];
    const publisher = new Publisher({
      targets: () => instances.map((i) => i.url),
      token: a.adminToken,
      blogId,
      intervalMs: 50,
      entry: (i) => ({ body: `Update ${i}` }),
      onAttempt: (outcome, at) => attempts.push({ outcome, at }),
      untilReplicated: waitReplicas > 0,
    });
    publisher.start();
    await publishedAtLeast(publisher, ENTRIES_AROUND_FAULT);
    const old = await sentinel.killPrimary();
    const killedAt = Date.now();
    const promoted = await sentinel.waitForPromotion(old);
    await old.restart(promoted);
    await sentinel.waitUntilReplicating();
    await publishedAtLeast(publisher, publisher.published.length + ENTRIES_AROUND_FAULT);
    await publisher.stop();

    assert.deepEqual(publisher.failures, [], 'the publisher got answers no retry could fix');
    const failed = attempts.find((x) => x.at >= killedAt && x.outcome !== 'created' && x.outcome !== 'replayed');
    assert.ok(failed !== undefined, 'writes failed during the failover (503/504)');
    const recovered = attempts.find((x) => x.at > failed.at && (x.outcome === 'created' || x.outcome === 'replayed'));
    assert.ok(recovered !== undefined, 'writes succeed after the failover, without restarting the service');

    const answered = [...warmUps, ...publisher.published.map((p) => p.id)];
    const stored = await storedEntryIds(a.url, blogId);
    const storedSet = new Set(stored);
    assert.equal(storedSet.size, stored.length, 'an entry is stored twice');
    const lost = answered.filter((id) => !storedSet.has(id));
    // what is stored is exactly what was answered 201, less any write the failover lost, in that order
    assert.deepEqual([...stored].reverse(), answered.filter((id) => storedSet.has(id)));

    const holdsStored = (r: TestReader): boolean => {
      const order = r.state?.order;
      return order !== undefined && order.length === stored.length && order.every((id, i) => id === stored[i]);
    };
    for (const reader of readers) {
      await reader.waitFor(holdsStored, 20_000).catch((err: unknown) => {
        throw new Error(`a reader does not end with the ${stored.length} stored entries: ${String(err)}`);
      });
      assertNoDuplicateDeliveries(reader.received);
    }
    const extraResets = readers.map((r, i) => r.resets - resetsBefore[i]!);
    if (lost.length > 0) {
      // never a silent gap: readers that had a lost entry were moved to a new epoch and reset
      for (const [i, reader] of readers.entries()) {
        assert.notEqual(reader.position?.epoch, epochBefore, `reader ${i} stayed in the epoch that lost ${lost.length} entries`);
        assert.ok(extraResets[i]! > 0, `reader ${i} was not reset after the loss`);
      }
    } else {
      for (const reader of readers.filter((_, i) => extraResets[i] === 0)) assertAppliedInOrderOnce(reader.applied, answered);
    }

    return {
      failoverMs: recovered.at - failed.at,
      entries: publisher.published.length,
      retries: attempts.length - publisher.published.length,
      lostAfter201: lost.length,
      longestPostMs: publisher.longestPostMs,
      extraResets: extraResets.reduce((x, y) => x + y, 0),
    };
  } finally {
    for (const reader of readers) await reader.close();
    for (const instance of instances) await instance.close();
  }
}

describe('two instances on Redis Sentinel', { timeout: 120_000 }, () => {
  let sentinel: TestSentinel;
  before(async () => {
    sentinel = await startRedisSentinel();
  });
  after(() => sentinel?.close());

  it('when editors post on both instances, then readers on both get every entry once and in order', async () => {
    const a = await startInstance({ env: sentinel.env });
    const b = await startInstance({ env: sentinel.env });
    try {
      await createBlog(a.url, a.adminToken, { id: 'sentinel-two', title: 'Two instances on Sentinel' });
      const readers = [await openReader(a.url, 'sentinel-two'), await openReader(b.url, 'sentinel-two')];
      const posted: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        const target = i % 2 === 0 ? a : b;
        posted.push((await postEntry(target.url, target.adminToken, 'sentinel-two', `Update ${i}`)).entry.id);
      }
      for (const reader of readers) {
        await reader.waitFor((r) => r.state?.entries.size === posted.length);
        assertAppliedInOrderOnce(reader.applied, posted);
        assertNoDuplicateDeliveries(reader.received);
        await reader.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when the primary is SIGKILLed under steady posting with REDIS_WAIT_REPLICAS=1, then writes are 503/504 during the failover, succeed after it, and every entry answered 201 is stored and delivered once, in order', async (t) => {
    const figures = await failoverUnderLoad(sentinel, 1, 'failover-wait-1');
    t.diagnostic(`sentinel failover, WAIT 1: ${JSON.stringify(figures)}`);
    assert.equal(figures.lostAfter201, 0, 'no entry answered 201 was lost');
  });

  it('when the primary is SIGKILLed under steady posting with REDIS_WAIT_REPLICAS=0, then a lost write (if any) is an epoch change that resets readers, never a silent gap', async (t) => {
    const figures = await failoverUnderLoad(sentinel, 0, 'failover-wait-0');
    t.diagnostic(`sentinel failover, WAIT 0: ${JSON.stringify(figures)}`);
  });
});
