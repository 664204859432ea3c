import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { churn } from '../support/chaos/churn.js';
import { runScenario, startCluster, type ChaosCluster } from '../support/chaos/cluster.js';
import { HOSTILE_ACTS } from '../support/chaos/hostile.js';
import type { ServiceProcess } from '../support/chaos/service-process.js';

const CHURN_CYCLES = 400;
const CHURN_PARALLEL = 20;
/** How long an instance has to forget the churn's connections once they are gone. */
const FORGET_MS = 10_000;

/** Connected readers and their subscriptions, as the instance reports them. */
async function gauges(instance: ServiceProcess): Promise<{ readers: number; subscriptions: number }> {
  const scrape = await instance.metrics();
  return { readers: scrape.require('liveblog_readers_connected'), subscriptions: scrape.require('liveblog_reader_subscriptions') };
}

/** Resolves with the instance's gauges once they are back to `expected`; rejects with the last ones after `FORGET_MS`. */
async function gaugesBackTo(instance: ServiceProcess, expected: { readers: number; subscriptions: number }): Promise<void> {
  const deadline = Date.now() + FORGET_MS;
  let now = await gauges(instance);
  while ((now.readers !== expected.readers || now.subscriptions !== expected.subscriptions) && Date.now() < deadline) {
    await sleep(200);
    now = await gauges(instance);
  }
  assert.deepEqual(now, expected, `instance ${instance.name} still counts connections or subscriptions of readers that are gone`);
}

describe('chaos: hostile readers and connection churn', { timeout: 150_000 }, () => {
  let cluster: ChaosCluster;

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.close();
  });

  it('when clients send hostile frames to both instances, then each is closed or refused, nothing of them stays, and readers get every entry once and in order', async (t) => {
    await runScenario(cluster, 'hostile-frames', (line) => t.diagnostic(line), async ({ cluster: c, blogId, note }) => {
      const rejectedBefore = await Promise.all(c.instances.map(async (i) => (await i.metrics()).sum('liveblog_socket_events_rejected_total')));
      const gaugesBefore = await Promise.all(c.instances.map(gauges));
      const outcomes: string[] = [];
      const failures: string[] = [];
      const startedAt = Date.now();
      await Promise.all(
        c.instances.map(async (instance) => {
          for (const act of HOSTILE_ACTS) {
            try {
              outcomes.push(`${instance.name}: ${act.name}: ${await act.run(instance.url, blogId)}`);
            } catch (err) {
              failures.push(`${instance.name}: ${act.name}: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
        }),
      );
      assert.deepEqual(failures, [], 'every hostile act is closed or answered by the instance');
      for (const instance of c.instances) {
        const health = await fetch(`${instance.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        assert.equal(health.status, 200, `instance ${instance.name} is healthy after the hostile frames`);
      }
      const rejected = await Promise.all(c.instances.map(async (i, n) => (await i.metrics()).sum('liveblog_socket_events_rejected_total') - rejectedBefore[n]!));
      note('hostile acts', outcomes.length);
      note('hostile ms', Date.now() - startedAt);
      note('socket events rejected', rejected.join('+'));
      await Promise.all(c.instances.map((instance, n) => gaugesBackTo(instance, gaugesBefore[n]!)));
    });
  });

  it(`when ${CHURN_CYCLES} readers connect, subscribe and go (cleanly or by TCP reset), then each instance forgets them, and readers get every entry once and in order`, async (t) => {
    await runScenario(cluster, 'churn', (line) => t.diagnostic(line), async ({ cluster: c, blogId, note }) => {
      const before = await Promise.all(c.instances.map(gauges));
      const startedAt = Date.now();
      const endings = await churn(c.urls(), blogId, CHURN_CYCLES, CHURN_PARALLEL);
      note('cycles', Object.values(endings).reduce((a, b) => a + b, 0));
      note('endings', Object.entries(endings).map(([ending, n]) => `${ending} ${n}`).join(', '));
      note('churn ms', Date.now() - startedAt);
      note('readers connected', before.map((g) => g.readers).join('+'));
      await Promise.all(c.instances.map((instance, n) => gaugesBackTo(instance, before[n]!)));
    });
  });
});
