import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario, startCluster, type ChaosCluster } from '../support/chaos/cluster.js';

async function resubscriptions(cluster: ChaosCluster): Promise<number[]> {
  return Promise.all(cluster.instances.map(async (i) => (await i.metrics()).require('liveblog_pubsub_resubscriptions_total')));
}

/** Waits (10 s at most) until each instance counted `least` resubscriptions since `before`; returns how many each did. */
async function waitForResubscriptions(cluster: ChaosCluster, before: readonly number[], least: number): Promise<number[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const counted = (await resubscriptions(cluster)).map((n, i) => n - before[i]!);
    if (counted.every((n) => n >= least) || Date.now() > deadline) {
      for (const [i, n] of counted.entries()) {
        assert.ok(n >= least, `instance ${cluster.instances[i]!.name} counted ${n} pub/sub resubscriptions, expected ${least}`);
      }
      return counted;
    }
    await sleep(200);
  }
}

describe('chaos: Redis faults under two instances, 200 readers and a steady publisher', { timeout: 150_000 }, () => {
  let cluster: ChaosCluster;

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.close();
  });

  it('when Redis is SIGKILLed and restarted from its AOF, then every entry answered 201 is stored and held once, in order', async (t) => {
    await runScenario(cluster, 'redis-kill', (line) => t.diagnostic(line), async ({ cluster: c, note }) => {
      const before = await resubscriptions(c);
      const killedAt = Date.now();
      await c.redis.kill();
      await sleep(1_000);
      await c.redis.restart();
      note('outage ms', Date.now() - killedAt);
      const resubscribed = await waitForResubscriptions(c, before, 1);
      note('resubscriptions', resubscribed.join('+'));
    });
  });

  it('when Redis is frozen (SIGSTOP) for 5 s, then no write is answered "nothing was written" that was written, and nothing is lost or doubled', async (t) => {
    await runScenario(cluster, 'redis-freeze', (line) => t.diagnostic(line), async ({ cluster: c, note }) => {
      const frozenAt = Date.now();
      await c.redis.freeze();
      await sleep(5_000);
      await c.redis.thaw();
      note('outage ms', Date.now() - frozenAt);
    });
  });

  it('when the pub/sub connections of both instances are killed twice, then readers still get every entry once and in order', async (t) => {
    await runScenario(cluster, 'pubsub-kill', (line) => t.diagnostic(line), async ({ cluster: c, note }) => {
      const before = await resubscriptions(c);
      let killed = 0;
      for (let round = 0; round < 2; round += 1) {
        killed += Number(await c.redis.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
        await sleep(1_000);
      }
      note('connections killed', killed);
      assert.ok(killed >= 4, `both instances' subscriber connections were killed twice (killed ${killed})`);
      const resubscribed = await waitForResubscriptions(c, before, 2);
      note('resubscriptions', resubscribed.join('+'));
    });
  });
});
