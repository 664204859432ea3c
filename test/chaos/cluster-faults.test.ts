import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { channelFor } from '../../server/bus/event-bus.js';
import { createBlog } from '../support/api.js';
import { storedEntryIds } from '../support/chaos/check.js';
import { Publisher } from '../support/chaos/publisher.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { metricValue } from '../support/metrics.js';
import { shardSubscribers, startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { openReader, type TestReader } from '../support/test-reader.js';

/** Entries posted before the fault, and at least this many after it. */
const ENTRIES_AROUND_FAULT = 15;
const POST_INTERVAL_MS = 20;
const CONVERGE_MS = 20_000;

describe('a Redis Cluster changing under live blogs', () => {
  let cluster: TestRedisCluster;
  let a: TestInstance;
  let b: TestInstance;

  before(async () => {
    cluster = await startRedisCluster();
    a = await startInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds } });
    b = await startInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds } });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await cluster.close();
  });

  /** A blog with two readers on each instance and an editor posting steadily through both. */
  async function liveBlog(id: string): Promise<{ readers: TestReader[]; publisher: Publisher }> {
    await createBlog(a.url, a.adminToken, { id, title: `Live ${id}` });
    const readers = [await openReader(a.url, id), await openReader(a.url, id), await openReader(b.url, id), await openReader(b.url, id)];
    const publisher = new Publisher({
      targets: () => [a.url, b.url],
      token: a.adminToken,
      blogId: id,
      intervalMs: POST_INTERVAL_MS,
      entry: (i) => ({ body: `Update ${i} of ${id}` }),
    });
    publisher.start();
    return { readers, publisher };
  }

  async function postedAtLeast(publisher: Publisher, count: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (publisher.published.length < count) {
      assert.deepEqual(publisher.failures, []);
      assert.ok(Date.now() < deadline, `only ${publisher.published.length} of ${count} entries were published`);
      await sleep(10);
    }
  }

  async function resubscriptions(): Promise<number[]> {
    return Promise.all([a, b].map((instance) => metricValue(instance.application.metrics.registry, 'liveblog_pubsub_resubscriptions_total')));
  }

  function retriesOf(publisher: Publisher): number {
    return publisher.published.reduce((sum, p) => sum + p.attempts.length - 1, 0);
  }

  it("when a live blog's slot moves to another primary while entries are posted, then readers on both instances lose and double nothing", async () => {
    const [moving, destination] = await cluster.idsOnEveryPrimary('reshard');
    const { readers, publisher } = await liveBlog(moving!.id);
    await postedAtLeast(publisher, ENTRIES_AROUND_FAULT);
    const resubscribedBefore = await resubscriptions();
    const move = await cluster.migrateSlot(moving!.slot, destination!.primary);
    const atMove = publisher.published.length;
    await postedAtLeast(publisher, atMove + ENTRIES_AROUND_FAULT);
    await publisher.stop();
    assert.deepEqual(publisher.failures, []);
    // A 503 means "nothing was written": no entry answered 503 on every attempt may turn out stored.
    assert.deepEqual(publisher.hiddenWrites, []);

    const posted = publisher.published.map((p) => p.id);
    for (const reader of readers) {
      await reader.waitFor((r) => r.state?.entries.size === posted.length, CONVERGE_MS);
      assertAppliedInOrderOnce(reader.applied, posted);
      assertNoDuplicateDeliveries(reader.received);
      assert.equal(reader.resets, 1, 'only the first snapshot: the move is no reason to reset');
    }
    assert.deepEqual((await storedEntryIds(a.url, moving!.id)).reverse(), posted);
    // Both instances' sharded subscriptions followed the slot to its new owner, and each read what it may have missed.
    assert.equal(await shardSubscribers(destination!.primary, channelFor(moving!.id)), 2);
    (await resubscriptions()).forEach((count, i) => assert.ok(count > resubscribedBefore[i]!, `instance ${i} re-subscribed after the move`));
    console.log(
      `[cluster reshard] slot ${moving!.slot} (${move.keys} keys) moved ${moving!.primary.address} -> ${destination!.primary.address} in ${move.ms} ms; ` +
        `${posted.length} entries, ${retriesOf(publisher)} retries (${JSON.stringify(publisher.attemptsByOutcome)}), longest POST ${publisher.longestPostMs} ms`,
    );
    for (const reader of readers) await reader.close();
  });

  it('when the primary owning a live blog is killed, then its replica takes over and every reader ends complete and equal to the store', async () => {
    const spread = await cluster.idsOnEveryPrimary('failover');
    const victim = spread[2]!;
    const { readers, publisher } = await liveBlog(victim.id);
    await postedAtLeast(publisher, ENTRIES_AROUND_FAULT);
    const resubscribedBefore = await resubscriptions();
    const killedAt = Date.now();
    const beforeKill = publisher.published.length;
    await victim.primary.kill();
    await postedAtLeast(publisher, beforeKill + 1);
    const firstWriteAfterMs = publisher.published[beforeKill]!.answeredAt - killedAt;
    await cluster.waitUntilStable();
    const stableAfterMs = Date.now() - killedAt;
    const promoted = await cluster.primaryOf(victim.slot);
    assert.notEqual(promoted, victim.primary);
    await postedAtLeast(publisher, publisher.published.length + ENTRIES_AROUND_FAULT);
    await publisher.stop();
    assert.deepEqual(publisher.failures, []);
    // A 503 means "nothing was written": no entry answered 503 on every attempt may turn out stored.
    assert.deepEqual(publisher.hiddenWrites, []);

    (await resubscriptions()).forEach((count, i) => assert.ok(count > resubscribedBefore[i]!, `instance ${i} re-subscribed after the failover`));
    const posted = publisher.published.map((p) => p.id);
    const stored = (await storedEntryIds(a.url, victim.id)).reverse();
    const lost = posted.filter((id) => !stored.includes(id));
    for (const reader of readers) {
      await reader.waitFor((r) => r.state !== undefined && sameIds([...r.state.entries.keys()], stored), CONVERGE_MS);
      assertNoDuplicateDeliveries(reader.received);
      if (lost.length === 0) {
        assertAppliedInOrderOnce(reader.applied, posted);
      } else {
        // A write the replica never got is gone: readers must have been told by a new epoch (a reset), never left with a gap.
        assert.ok(reader.resets > 1, `a reader saw ${lost.length} entries vanish without a reset`);
      }
    }
    console.log(
      `[cluster failover] killed ${victim.primary.address}; replica ${promoted.address} took over; first 201 after the kill at ${firstWriteAfterMs} ms, ` +
        `cluster stable at ${stableAfterMs} ms; ${posted.length} entries answered 201, ${lost.length} lost with asynchronous replication` +
        `${lost.length > 0 ? ' (readers reset to the new epoch)' : ''}, ${retriesOf(publisher)} retries (${JSON.stringify(publisher.attemptsByOutcome)}), ` +
        `longest POST ${publisher.longestPostMs} ms, readers' resets: ${readers.map((r) => r.resets).join(',')}`,
    );
    for (const reader of readers) await reader.close();
  });
});

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}
