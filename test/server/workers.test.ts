import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlog, postEntry } from '../support/api.js';
import { parseMetrics, type Scrape } from '../support/chaos/scrape.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { eventually } from '../support/eventually.js';
import { spawnTracked, stopAll } from '../support/processes.js';
import { freePort, startRedis, type TestRedis } from '../support/redis-server.js';
import { openReader, type TestReader } from '../support/test-reader.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVICE_MAIN = join(ROOT, 'dist', 'server', 'main.js');
const ADMIN_TOKEN = 'workers-test-admin-token';
/** Worker start-up includes connecting to Redis; on a loaded two-core machine it takes seconds. */
const START_MS = 30_000;

/** One line of the service's JSON log (the primary's and its workers' share its stdout). */
interface LogLine {
  msg?: string;
  module?: string;
  worker?: number;
  pid?: number;
  code?: number | null;
  signal?: string | null;
}

interface Service {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  lines(): LogLine[];
  output(): string;
}

/** `node dist/server/main.js` as production runs it, in a process group of its own. */
function startService(env: Record<string, string>): Service {
  const child = spawnTracked(process.execPath, [SERVICE_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const lines = (): LogLine[] =>
    text.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  return { child, url: `http://127.0.0.1:${env.PORT}`, metricsUrl: `http://127.0.0.1:${env.METRICS_PORT}/metrics`, lines, output: () => text };
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** The pids of the workers the primary reported ready, oldest first. */
function readyPids(service: Service): number[] {
  return service.lines().flatMap((l) => (l.module === 'workers' && l.msg === 'worker ready' && l.pid !== undefined ? [l.pid] : []));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function scrape(service: Service): Promise<Scrape> {
  const res = await fetch(service.metricsUrl, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, 'the primary serves /metrics');
  return parseMetrics(await res.text());
}

async function waitForLog(service: Service, what: string, predicate: (lines: LogLine[]) => boolean): Promise<void> {
  await eventually(
    () => {
      if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.output()}`);
      return predicate(service.lines());
    },
    what,
    START_MS,
  );
}

describe('WORKERS=2: one port, two worker processes under a primary', { timeout: 120_000 }, () => {
  let redis: TestRedis;
  let service: Service;
  const blogId = 'workers';
  const posted: string[] = [];
  const readers: TestReader[] = [];
  /** How many entries were posted when each reader opened: it holds those from its first snapshot. */
  const openedAt: number[] = [];
  /** Readers that lost their connection, by index in `readers`. */
  const dropped = new Set<number>();

  const post = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) posted.push((await postEntry(service.url, ADMIN_TOKEN, blogId, `entry ${posted.length + 1}`)).entry.id);
  };
  /** Every reader holds every entry, and got each one posted after it opened once, in order. */
  const allComplete = async (): Promise<void> => {
    // 25 s: a reconnection handed to a worker in the instant it died is lost with it, and its client
    // tries again only after Socket.IO's 20 s connect timeout (see docs/operations.md, Workers).
    await Promise.all(readers.map((r) => r.waitFor((x) => (x.state?.order.length ?? 0) === posted.length, 25_000)));
    readers.forEach((reader, i) => {
      assertAppliedInOrderOnce(reader.applied, posted.slice(openedAt[i]));
      assertNoDuplicateDeliveries(reader.received);
    });
  };
  const open = async (transports: Array<'websocket' | 'polling'>, timeoutMs = 10_000): Promise<TestReader> => {
    const reader = await openReader(service.url, blogId, { transports, timeoutMs });
    const index = readers.push(reader) - 1;
    openedAt[index] = posted.length;
    reader.socket.on('disconnect', () => dropped.add(index));
    return reader;
  };

  before(async () => {
    redis = await startRedis();
    service = startService({
      WORKERS: '2',
      PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      REDIS_URL: redis.url,
      ADMIN_TOKEN,
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    });
    await waitForLog(service, 'the service is serving', (lines) => lines.some((l) => l.msg === 'liveblog is serving'));
    await createBlog(service.url, ADMIN_TOKEN, { id: blogId, title: 'Workers' });
  });
  after(async () => {
    await Promise.all(readers.map((r) => r.close()));
    stopAll();
    await redis?.close();
  });

  it('when WebSocket and long-polling-only readers connect, then they spread over both workers, each gets every entry once, in order, and /metrics sums the workers', async () => {
    assert.equal(readyPids(service).length, 2, 'two workers reported ready');
    for (let i = 0; i < 3; i += 1) {
      await open(['websocket']);
      await open(['polling']);
    }
    await post(5);
    await allComplete();

    const metrics = await scrape(service);
    assert.equal(metrics.value('liveblog_readers_connected'), readers.length, 'the reader gauges of both workers add up');
    assert.equal(metrics.value('liveblog_deliveries_total', { path: 'direct' }), 3 * posted.length, 'each WebSocket reader got each entry as one direct frame');
    assert.equal(metrics.value('liveblog_deliveries_total', { path: 'engine' }), 3 * posted.length, 'each long-polling reader got each entry through Engine.IO');
    assert.equal(metrics.value('liveblog_workers_ready'), 2);
    assert.equal(metrics.value('liveblog_worker_restarts_total'), 0);
    assert.ok((metrics.value('liveblog_primary_process_cpu_seconds_total') ?? 0) > 0, "the primary's own process metrics");
    assert.ok(service.lines().some((l) => l.worker !== undefined && l.module === 'main' && l.msg === 'worker serving'), 'worker log lines carry the worker id');
  });

  it('when a worker is SIGKILLed, then it is replaced, readers who arrive meanwhile are served by the other, its readers come back, and every reader ends complete', async () => {
    const [victim, survivor] = readyPids(service);
    const before = readers.length;
    process.kill(victim!, 'SIGKILL');
    await waitForLog(service, 'the primary saw the worker die', (lines) => lines.some((l) => l.msg === 'worker exited; replacing it' && l.pid === victim));

    // The replacement is still starting: these must not be handed to it before it can take them.
    await open(['websocket'], 8_000);
    await open(['polling'], 8_000);
    await post(5);
    await waitForLog(service, 'the replacement is ready', () => readyPids(service).length === 3);
    await post(5);
    await allComplete();

    const lost = [...dropped].filter((i) => i < before);
    assert.ok(lost.length > 0 && lost.length < before, `some readers, not all, were on the killed worker (${lost.length} of ${before})`);
    assert.ok(isRunning(survivor!), 'the other worker kept running');
    assert.equal(isRunning(victim!), false);
    const metrics = await scrape(service);
    assert.equal(metrics.value('liveblog_worker_restarts_total'), 1);
    assert.equal(metrics.value('liveblog_workers_ready'), 2);
    assert.equal(metrics.value('liveblog_readers_connected'), readers.length);
  });

  it('when the primary gets SIGTERM, then every worker drains its readers and exits, and the primary exits 0', async () => {
    const pids = readyPids(service).filter(isRunning);
    assert.equal(pids.length, 2);
    const lostBefore = dropped.size;
    process.kill(service.child.pid!, 'SIGTERM');
    assert.equal(await exitOf(service.child), 0, service.output());
    assert.deepEqual(pids.filter(isRunning), [], 'no worker is left behind');
    await eventually(() => dropped.size === readers.length, 'every reader was let go');
    assert.ok(dropped.size > lostBefore);
    assert.equal(service.lines().filter((l) => l.msg === 'worker stopped' && l.code === 0).length, 2, 'each worker ran its graceful shutdown');
  });

  it('when WORKERS=2 has no Redis to share, then it refuses to start, naming WORKERS', async () => {
    const alone = startService({ WORKERS: '2', PORT: String(await freePort()), METRICS_PORT: String(await freePort()) });
    assert.equal(await exitOf(alone.child), 1);
    assert.match(alone.output(), /WORKERS: must be 1 in embedded mode/);
  });
});
