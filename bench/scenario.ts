import * as z from 'zod';
import { freePort } from '../test/support/redis-server.js';
import { LoadPool } from './loadgen/pool.js';
import { cpuMicros, rssKiB, socketCount } from './proc-stats.js';
import { createBlog, publishEntry, type Published } from './publisher.js';
import type { RedisMode, RedisUnderTest } from './redis-under-test.js';
import { deliveryFigures, type DeliveryFigures } from './stats.js';
import { startTarget, type ServerKind, type Target } from './targets.js';

/** What every run shares; from the command line. */
export interface RunParameters {
  entries: number;
  warmup: number;
  intervalMs: number;
  drainMs: number;
  batch: number;
  serverCpus: string;
  loadCpus: string;
  /** The run's single Redis: every scenario but the cluster's. */
  redis: RedisUnderTest;
  adminToken: string;
  log: (line: string) => void;
}

/** Figures of one server at one reader count. */
export interface FanoutResult {
  scenario: string;
  /** Which part of the run it belongs to (absent in results written before issue 10: see `kindOf`). */
  kind?: FanoutKind;
  server: ServerKind;
  instances: number;
  /** Worker processes per instance (`WORKERS`); absent in results written before issue 10: 1. */
  workers?: number;
  /** Absent in results written before issue 10: single. */
  redisMode?: RedisMode;
  readers: number;
  /**
   * `WORKERS>1`: open sockets of each worker once the readers were subscribed (about its readers,
   * plus its Redis and IPC connections), the proof that readers were spread over the workers.
   */
  socketsPerWorker?: number[];
  subscribeFailed: number;
  /** Wall time from the first connection until every reader was subscribed (batches of `--batch` at a time). */
  connectSeconds: number;
  /** Server CPU time spent connecting and subscribing, per reader. */
  connectCpuMicrosPerReader: number;
  delivery: DeliveryFigures;
  memoryKiBPerReader: number;
  serverCpuMicrosPerDelivery: number;
  serverCpuBusyPercent: number;
  redisCpuMs: number;
  loadgenCpuBusyPercent: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sumOver = (pids: number[], read: (pid: number) => number): number => pids.reduce((sum, pid) => sum + read(pid), 0);

/** The fan-out parts of a run (`--only` names them, with `storm`). */
export const FanoutKind = z.enum(['fanout', 'two-instances', 'cluster', 'workers']);
export type FanoutKind = z.infer<typeof FanoutKind>;

/**
 * The part of the run a row belongs to.
 *
 * @example
 * results.fanout.filter((r) => kindOf(r) === 'fanout') // the single-instance rows of the chart
 */
export function kindOf(r: Pick<FanoutResult, 'kind' | 'instances'>): FanoutKind {
  return r.kind ?? (r.instances > 1 ? 'two-instances' : 'fanout');
}

/** What one fan-out run measures: a server, its processes, its readers and its Redis. */
export interface FanoutSetup {
  server: ServerKind;
  instances: number;
  readers: number;
  /** Default: the run's single Redis (`params.redis`). */
  redis?: RedisUnderTest;
  /**
   * The workers scenario: `WORKERS=count` (named in the scenario even when 1), worker i pinned
   * to `workerCpus[i]` when count > 1.
   */
  workers?: { count: number; workerCpus: string[] };
}

/** Starts `count` instances of a server, each on a fresh port (the kernel's port search stays fast). */
export async function startTargets(
  kind: ServerKind,
  count: number,
  params: RunParameters,
  redis: RedisUnderTest = params.redis,
  workers?: FanoutSetup['workers'],
): Promise<Target[]> {
  const targets: Target[] = [];
  for (let i = 0; i < count; i += 1) {
    targets.push(
      await startTarget({
        kind,
        port: await freePort(),
        redis,
        adminToken: params.adminToken,
        cpus: params.serverCpus,
        ...(workers !== undefined && workers.count > 1 ? { workers } : {}),
      }),
    );
  }
  return targets;
}

/**
 * The name of a fan-out scenario, the key its repeated runs are folded by.
 *
 * @example
 * scenarioName({ server: 'service', instances: 2, readers: 20000, redis }) // '20000 readers over 2 instances on a Redis Cluster'
 */
export function scenarioName(setup: FanoutSetup): string {
  return (
    `${setup.readers} readers` +
    (setup.instances > 1 ? ` over ${setup.instances} instances` : '') +
    (setup.redis?.mode === 'cluster' ? ' on a Redis Cluster' : '') +
    (setup.workers !== undefined ? `, WORKERS=${setup.workers.count}` : '')
  );
}

/**
 * The `onProgress` of a connecting load pool: one line a second, and the last one.
 *
 * @example
 * await LoadPool.connect({ ..., onProgress: connectProgress(log) });
 */
export function connectProgress(log: (line: string) => void): (subscribed: number, failed: number, total: number) => void {
  let lastShown = 0;
  return (subscribed, failed, total) => {
    if (Date.now() - lastShown < 1_000 && subscribed + failed < total) return;
    lastShown = Date.now();
    log(`connecting: ${subscribed}/${total} subscribed${failed > 0 ? `, ${failed} failed` : ''}`);
  };
}

/** Splits `readers` over the targets as evenly as possible. */
export function spread(targets: Target[], readers: number): Array<{ url: string; readers: number }> {
  return targets.map((t, i) => ({
    url: t.url,
    readers: Math.floor(readers / targets.length) + (i < readers % targets.length ? 1 : 0),
  }));
}

/**
 * POSTs entries `from`..`to-1`, one every `intervalMs` (start to start), without waiting for
 * delivery. Given several URLs, each entry goes to all of them at once (the limit server has no
 * bus between its instances) and counts as sent when the first request left.
 */
export async function publishPaced(
  url: string | string[],
  blogId: string,
  from: number,
  to: number,
  params: RunParameters,
  onEach?: (p: Published) => void | Promise<void>,
): Promise<Published[]> {
  const published: Published[] = [];
  const start = Date.now();
  for (let i = from; i < to; i += 1) {
    const wait = start + (i - from) * params.intervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    const urls = typeof url === 'string' ? [url] : url;
    const all = await Promise.all(urls.map((u) => publishEntry(u, params.adminToken, blogId, i)));
    const p = all.reduce((first, q) => (q.sentAt < first.sentAt ? q : first));
    published.push(p);
    await onEach?.(p);
  }
  return published;
}

/**
 * One fan-out run: `readers` subscribed to one blog over `instances` processes of `server`;
 * warm-up entries, then measured entries; CPU, memory and deliveries taken from /proc and the
 * load generators. CPU and memory are summed over every process of every instance (a
 * `WORKERS=n` instance's primary and workers).
 *
 * @example
 * const result = await runFanout({ server: 'service', instances: 1, readers: 1000 }, params);
 */
export async function runFanout(setup: FanoutSetup, params: RunParameters): Promise<FanoutResult> {
  const { server, instances, readers } = setup;
  const redis = setup.redis ?? params.redis;
  const scenario = scenarioName(setup);
  const kind: FanoutKind = setup.workers !== undefined ? 'workers' : redis.mode === 'cluster' ? 'cluster' : instances > 1 ? 'two-instances' : 'fanout';
  const blogId = `bench-${server}-${readers}-${Date.now().toString(36)}`;
  const log = (line: string): void => params.log(`[${server} ${scenario}] ${line}`);
  const targets = await startTargets(server, instances, params, redis, setup.workers);
  const pids = (): number[] => targets.flatMap((t) => t.pids());
  let pool: LoadPool | undefined;
  try {
    const entryUrl = targets[0]!.url;
    // the service and the baseline share events through Redis; the limit's instances do not
    const postTo = server === 'limit' ? targets.map((t) => t.url) : entryUrl;
    if (server === 'service') await createBlog(entryUrl, params.adminToken, blogId);
    await sleep(300);
    const rssBefore = sumOver(pids(), rssKiB);
    const connectCpu0 = sumOver(pids(), cpuMicros);
    const connectStart = Date.now();
    const connected = await LoadPool.connect({
      targets: spread(targets, readers),
      wire: server === 'limit' ? 'ws' : 'socketio',
      blogId,
      maxSeq: params.warmup + params.entries + 8,
      reconnect: false,
      batch: params.batch,
      cpus: params.loadCpus,
      onProgress: connectProgress(log),
    });
    pool = connected.pool;
    const connectSeconds = (Date.now() - connectStart) / 1_000;
    const connectCpu = sumOver(pids(), cpuMicros) - connectCpu0;
    const connectCpuMicrosPerReader = round(connectCpu / Math.max(1, connected.ready.subscribed));
    log(`${connected.ready.subscribed} readers subscribed in ${connectSeconds.toFixed(1)} s, ${connectCpuMicrosPerReader} µs of server CPU each`);
    await sleep(500);
    const rssAfter = sumOver(pids(), rssKiB);
    const workerPids = (setup.workers?.count ?? 1) > 1 ? targets.flatMap((t) => t.pids().filter((pid) => pid !== t.pid)) : [];
    const socketsPerWorker = workerPids.map(socketCount);
    if (workerPids.length > 0) log(`open sockets per worker: ${socketsPerWorker.join(' / ')}`);

    log(`warm-up: ${params.warmup} entries`);
    const warm = await publishPaced(postTo, blogId, 0, params.warmup, params);
    await sleep(params.intervalMs);

    await pool.mark();
    const cpu0 = sumOver(pids(), cpuMicros);
    const redis0 = await redis.cpuMicros();
    const wall0 = process.hrtime.bigint();
    const measured = await publishPaced(postTo, blogId, params.warmup, params.warmup + params.entries, params, (p) => {
      if ((p.index - params.warmup + 1) % 5 === 0 || p.index === params.warmup + params.entries - 1) {
        log(`published ${p.index - params.warmup + 1}/${params.entries}`);
      }
    });
    await sleep(params.drainMs);
    const cpu1 = sumOver(pids(), cpuMicros);
    const redis1 = await redis.cpuMicros();
    const wallMicros = Number(process.hrtime.bigint() - wall0) / 1_000;
    const reports = await pool.collect();

    const delivery = deliveryFigures(reports, [...warm, ...measured], params.warmup);
    const serverCpu = cpu1 - cpu0;
    const memory = rssAfter - rssBefore;
    const loadCpu = reports.reduce((s, r) => s + r.cpuMicros, 0);
    const loadWall = Math.max(...reports.map((r) => r.wallMicros));
    const result: FanoutResult = {
      scenario,
      kind,
      server,
      instances,
      workers: setup.workers?.count ?? 1,
      redisMode: redis.mode,
      readers,
      ...(workerPids.length > 0 ? { socketsPerWorker } : {}),
      subscribeFailed: connected.ready.failed,
      connectSeconds: round(connectSeconds, 1),
      connectCpuMicrosPerReader,
      delivery,
      memoryKiBPerReader: round(memory / Math.max(1, connected.ready.subscribed)),
      serverCpuMicrosPerDelivery: round(serverCpu / Math.max(1, delivery.deliveries)),
      // the sum over every server process: 100 % is one CPU's worth (workers may take two)
      serverCpuBusyPercent: round((serverCpu / wallMicros) * 100, 1),
      redisCpuMs: round((redis1 - redis0) / 1_000, 1),
      loadgenCpuBusyPercent: round((loadCpu / loadWall) * 100, 1),
    };
    log(
      `p50 ${delivery.latencyMs.p50} ms, p99 ${delivery.latencyMs.p99} ms, last reader ${delivery.lastReaderMs.median} ms, ` +
        `lost ${delivery.lost}, doubled ${delivery.duplicated}, ${result.serverCpuMicrosPerDelivery} µs/delivery, ` +
        `${result.memoryKiBPerReader} KiB/reader, load generator ${result.loadgenCpuBusyPercent}% busy`,
    );
    return result;
  } finally {
    await pool?.stop();
    // SIGTERM: a profiled server (BENCH_SERVER_NODE_OPTIONS=--cpu-prof) writes its profile on exit
    await Promise.all(targets.map((t) => t.kill('SIGTERM')));
  }
}
