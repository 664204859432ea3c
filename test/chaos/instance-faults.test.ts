import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario, startCluster, type ChaosCluster } from '../support/chaos/cluster.js';
import { isLive, waitForReaders, type ChaosReader } from '../support/chaos/readers.js';
import type { ServiceProcess } from '../support/chaos/service-process.js';

/** How long readers have to be back once their instance is: the library backs off up to 5 s between tries. */
const BACK_MS = 20_000;

/** Stops `instance` with `signal`, starts it again on its port after `downMs`, and waits until its readers are live again. */
async function bounce(
  instance: ServiceProcess,
  readers: readonly ChaosReader[],
  signal: 'SIGKILL' | 'SIGTERM',
  downMs: number,
): Promise<{ downMs: number; readersBackMs: number }> {
  const mine = readers.filter((r) => r.url === instance.url);
  const stoppedAt = Date.now();
  await instance.stop(signal);
  await sleep(downMs);
  await instance.start();
  const upAt = Date.now();
  await waitForReaders(mine, isLive, `come back to instance ${instance.name}`, BACK_MS);
  return { downMs: upAt - stoppedAt, readersBackMs: Date.now() - stoppedAt };
}

describe('chaos: instances killed and restarted under their readers', { timeout: 150_000 }, () => {
  let cluster: ChaosCluster;

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.close();
  });

  it('when an instance is SIGKILLed under its readers and restarted, then they come back and every entry is held once, in order', async (t) => {
    await runScenario(cluster, 'instance-kill', (line) => t.diagnostic(line), async ({ cluster: c, readers, note }) => {
      const bounced = await bounce(c.instances[0], readers, 'SIGKILL', 1_000);
      note('outage ms', bounced.downMs);
      note('readers back after ms', bounced.readersBackMs);
    });
  });

  it('when both instances are restarted one after the other with SIGTERM, then readers come back each time and every entry is held once, in order', async (t) => {
    await runScenario(cluster, 'rolling-restart', (line) => t.diagnostic(line), async ({ cluster: c, readers, note }) => {
      for (const instance of c.instances) {
        const bounced = await bounce(instance, readers, 'SIGTERM', 0);
        note(`${instance.name} down ms`, bounced.downMs);
        note(`${instance.name} readers back after ms`, bounced.readersBackMs);
      }
    });
  });
});
