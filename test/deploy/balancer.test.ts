import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createBlog } from '../support/api.js';
import { checkDelivered } from '../support/chaos/check.js';
import { CHAOS_ADMIN_TOKEN } from '../support/chaos/cluster.js';
import { Publisher } from '../support/chaos/publisher.js';
import { closeReaders, openReaders, type ChaosReader } from '../support/chaos/readers.js';
import { startService, type ServiceProcess } from '../support/chaos/service-process.js';
import { HAPROXY_CFG, isUp, startBalancer, type Balancer } from '../support/haproxy.js';
import { stopAll } from '../support/processes.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

const COMPOSE_FILE = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'deploy', 'compose.yaml');
/** What the test sets itself on each instance: its own Redis, token and ports, and no public address. */
const SET_BY_TEST = new Set(['REDIS_URL', 'ADMIN_TOKEN', 'PUBLIC_URL', 'PORT', 'METRICS_PORT']);

interface ComposeService {
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const instanceEnv = compose.services['liveblog-1']?.environment ?? {};
/** deploy/compose.yaml's settings of the instances: the test runs them as compose does. */
const COMPOSE_INSTANCE_ENV = Object.fromEntries(Object.entries(instanceEnv).filter(([name]) => !SET_BY_TEST.has(name)));
/** How long an instance drains on SIGTERM (compose.yaml's SHUTDOWN_DRAIN_MS). */
const DRAIN_MS = Number(COMPOSE_INSTANCE_ENV.SHUTDOWN_DRAIN_MS);

/** Readers of each kind per scenario: WebSocket only, long-polling only, long-polling upgraded to WebSocket. */
const READERS_PER_KIND = 20;
/** Publishing before the fault, and after it: this long, and at least this many entries. */
const PHASE_MS = 1_000;
const PHASE_ENTRIES = 10;

/**
 * Readers through the balancer with each transport a browser may end up on. Long-polling needs
 * the balancer's cookie; engine.io-client keeps cookies in Node only with `withCredentials`
 * (browsers keep them anyway).
 */
async function openAllKinds(url: string, blogId: string): Promise<ChaosReader[]> {
  const kinds = await Promise.allSettled([
    openReaders([url], blogId, READERS_PER_KIND, 20_000, { transports: ['websocket'] }),
    openReaders([url], blogId, READERS_PER_KIND, 20_000, { transports: ['polling'], withCredentials: true }),
    openReaders([url], blogId, READERS_PER_KIND, 20_000, { transports: ['polling', 'websocket'], withCredentials: true }),
  ]);
  const opened = kinds.flatMap((kind) => (kind.status === 'fulfilled' ? kind.value : []));
  const failed = kinds.find((kind) => kind.status === 'rejected');
  if (failed !== undefined) {
    // The kinds that did connect would keep reconnecting, and the test process alive, after the test.
    closeReaders(opened);
    throw failed.reason;
  }
  return opened;
}

/** Lets the publisher run `PHASE_MS`, and on until it got `PHASE_ENTRIES` more 201s (a loaded machine posts slower). */
async function publishPhase(publisher: Publisher): Promise<void> {
  const target = publisher.published.length + PHASE_ENTRIES;
  await sleep(PHASE_MS);
  const deadline = Date.now() + 20_000;
  while (publisher.published.length < target) {
    assert.ok(Date.now() < deadline, `the publisher got ${PHASE_ENTRIES} entries through the balancer within 20 s`);
    await sleep(50);
  }
}

async function readersOn(instance: ServiceProcess): Promise<number> {
  return (await instance.metrics()).require('liveblog_readers_connected');
}

describe('behind HAProxy (deploy/haproxy.cfg)', { timeout: 120_000 }, () => {
  let redis: TestRedis;
  let instances: [ServiceProcess, ServiceProcess];
  let balancer: Balancer;

  before(async () => {
    redis = await startRedis();
    const [a, b] = await Promise.all(
      ['A', 'B'].map((name) => startService({ name, redisUrl: redis.url, adminToken: CHAOS_ADMIN_TOKEN, env: COMPOSE_INSTANCE_ENV })),
    );
    instances = [a!, b!];
    balancer = await startBalancer(instances.map((i) => `127.0.0.1:${i.port}`));
  });
  after(async () => {
    await balancer?.close();
    await Promise.all((instances ?? []).map((i) => i.stop('SIGKILL')));
    await redis?.close();
    stopAll();
  });

  /** A blog with readers of every kind and an editor posting through the balancer; `fault` runs mid-way. */
  async function scenario(
    name: string,
    report: (line: string) => void,
    fault: (readers: readonly ChaosReader[]) => Promise<void>,
  ): Promise<{ retried: string[] }> {
    const blogId = `lb-${name}`;
    await createBlog(balancer.url, CHAOS_ADMIN_TOKEN, { id: blogId, title: `Balancer: ${name}` });
    const readers = await openAllKinds(balancer.url, blogId);
    const publisher = new Publisher({
      targets: () => [balancer.url],
      token: CHAOS_ADMIN_TOKEN,
      blogId,
      intervalMs: 50,
      entry: (i) => ({ title: `${name} #${i}`, body: `Entry **${i}** through the balancer.` }),
    });
    try {
      publisher.start();
      await publishPhase(publisher);
      await fault(readers);
      await publishPhase(publisher);
      await publisher.stop();
      await checkDelivered(balancer.url, [{ blogId, publisher, readers }]);
      const retried = Object.entries(publisher.attemptsByOutcome)
        .filter(([outcome, n]) => n > 0 && outcome !== 'created')
        .map(([outcome, n]) => `${outcome} ${n}`);
      report(
        `balancer ${name}: entries ${publisher.published.length} | readers ${readers.length} | longest POST ${publisher.longestPostMs} ms | ` +
          `reconnects ${readers.reduce((n, r) => n + r.reconnects, 0)} | retried ${retried.join(', ') || 'none'}`,
      );
      return { retried };
    } catch (err) {
      report(`balancer ${name} FAILED; HAProxy's log ends with:`);
      for (const line of balancer.logTail().split('\n').slice(-30)) report(line);
      throw err;
    } finally {
      await publisher.stop();
      closeReaders(readers);
    }
  }

  it('when compose.yaml runs the balancer, then it is this haproxy.cfg in front of both instances, which drain longer than the checks take', () => {
    const balancerService = compose.services.balancer;
    assert.ok(balancerService?.volumes?.includes('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro'), 'compose mounts deploy/haproxy.cfg');
    for (const name of ['liveblog-1', 'liveblog-2']) {
      const port = compose.services[name]?.environment?.PORT;
      assert.equal(balancerService?.environment?.[name === 'liveblog-1' ? 'LIVEBLOG_1' : 'LIVEBLOG_2'], `${name}:${port}`);
    }
    assert.deepEqual(compose.services['liveblog-2']?.environment, instanceEnv, 'both instances run the same settings');
    assert.equal(COMPOSE_INSTANCE_ENV.TRUST_PROXY, 'true', 'client addresses come from X-Forwarded-For');
    const checks = /default-server check inter (\d+)s fall (\d+)/.exec(readFileSync(HAPROXY_CFG, 'utf8'));
    assert.ok(checks !== null, 'haproxy.cfg sets its check interval and failures');
    // `fall` failed checks, the first of which may come up to an interval after the SIGTERM.
    const outMs = Number(checks[1]) * 1_000 * (Number(checks[2]) + 1);
    assert.ok(DRAIN_MS > outMs, `SHUTDOWN_DRAIN_MS (${DRAIN_MS}) outlasts the ${outMs} ms the checks may take to mark an instance down`);
  });

  it('when an instance is SIGKILLed under WebSocket and long-polling readers, then its /readyz checks mark it down and every reader ends complete through the balancer', async (t) => {
    const [a, b] = instances;
    await scenario('kill', (line) => t.diagnostic(line), async (readers) => {
      // Spread over both, and no long-polling session lost its instance: the cookie keeps each on its own.
      assert.ok((await readersOn(a)) > 0 && (await readersOn(b)) > 0, 'readers are spread over both instances');
      assert.deepEqual(readers.filter((r) => r.reconnects > 0).length, 0, 'no reader had to reconnect before the fault');

      await a.stop('SIGKILL');
      const downMs = await balancer.waitForServer('liveblog-1', (s) => s.status === 'DOWN', 'marked down');
      t.diagnostic(`balancer kill: instance A marked down ${downMs} ms after SIGKILL`);
      assert.equal((await balancer.servers()).get('liveblog-2')?.status, 'UP');
    });
    await a.start();
    await balancer.waitForServer('liveblog-1', isUp, 'up again');
  });

  it('when an instance gets SIGTERM, then /readyz takes it out of the balancer while it still serves, and its readers move without losing anything', async (t) => {
    const b = instances[1];
    const { retried } = await scenario('drain', (line) => t.diagnostic(line), async () => {
      assert.ok((await readersOn(b)) > 0, 'instance B has readers');
      const signalled = Date.now();
      const stopping = b.stop('SIGTERM');
      await balancer.waitForServer('liveblog-2', (s) => s.status === 'DOWN', 'marked down');
      const server = (await balancer.servers()).get('liveblog-2');
      // Taken out by its 503, not by a refused connection: it was still listening.
      assert.deepEqual({ check: server?.checkStatus, code: server?.checkCode }, { check: 'L7STS', code: '503' });
      assert.equal((await fetch(`${b.url}/healthz`)).status, 200, 'the instance still serves once the balancer has taken it out');
      t.diagnostic(`balancer drain: instance B marked down ${Date.now() - signalled} ms after SIGTERM, exited after ${DRAIN_MS} ms of draining`);
      await stopping;
    });
    assert.deepEqual(retried, [], 'no editor request failed while the instance drained');
  });
});
