import { LoadPool } from './loadgen/pool.js';
import type { WorkerReport } from './loadgen/messages.js';
import { cpuMicros, listenOverflows } from './proc-stats.js';
import { createBlog, type Published } from './publisher.js';
import { connectProgress, publishPaced, sleep, startTargets, type RunParameters } from './scenario.js';
import { deliveryFigures, quantile, type DeliveryFigures } from './stats.js';
import { startTarget, type Target } from './targets.js';

/** The catch-up storm: readers lose their instance and come back with their positions. */
export interface StormResult {
  scenario: string;
  readers: number;
  subscribeFailed: number;
  /** Readers that resubscribed (with `{epoch, after}`) after the restart. */
  resubscribed: number;
  reconnects: number;
  /** From the kill until the instance answered again. */
  downMs: number;
  /** From the restart until readers' resubscribe acks: median and last. */
  resubscribeMs: { median: number; last: number };
  /** From the restart until readers started the reconnect attempt that worked: median and last (the reconnect schedule). */
  attemptMs: { median: number; last: number };
  /** From the start of that attempt until its WebSocket was open (accept queue, HTTP upgrade): median and p99. */
  openMs: { median: number; p99: number };
  /** From the open WebSocket until the resubscribe ack (Engine.IO and Socket.IO handshakes, the catch-up answer): median and p99. */
  answerMs: { median: number; p99: number };
  /** CPU busy from the restart until all caught up (or until the wait ended): the restarted instance (CPU 0 is 100 %), and the load generators (their CPU is 100 %). */
  serverCpuBusyPercent: number;
  loadgenCpuBusyPercent: number;
  /** Connections the kernel dropped from full accept queues from the kill until all caught up (see `listenOverflows`). */
  listenOverflows: number;
  /** From the restart until every reader had every entry published while it was gone. */
  caughtUpMs: number;
  delivery: DeliveryFigures;
}

/** CPU time of the restarted instance and of the load generators, sampled through the storm. */
class CpuSampler {
  private readonly samples: Array<{ at: number; server: number; load: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly serverPid: number,
    private readonly loadPids: number[],
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Busy percentages between two `process.hrtime` instants (ns), from the samples around them. */
  busy(from: number, to: number): { server: number; load: number } {
    const first = [...this.samples].reverse().find((s) => s.at <= from) ?? this.samples[0]!;
    const last = this.samples.find((s) => s.at >= to) ?? this.samples.at(-1)!;
    const wallMicros = Math.max(1, (last.at - first.at) / 1_000);
    return { server: round(((last.server - first.server) / wallMicros) * 100), load: round(((last.load - first.load) / wallMicros) * 100) };
  }

  private sample(): void {
    try {
      const at = Number(process.hrtime.bigint());
      this.samples.push({ at, server: cpuMicros(this.serverPid), load: this.loadPids.reduce((sum, pid) => sum + cpuMicros(pid), 0) });
    } catch {
      // a process that has just exited: its last sample stands
    }
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** Where the time of each reader's successful reconnect went, from the load generators' timestamps. */
function stormPhases(reports: WorkerReport[], restartedAt: number): Pick<StormResult, 'attemptMs' | 'openMs' | 'answerMs'> {
  const attempt: number[] = [];
  const open: number[] = [];
  const answer: number[] = [];
  for (const r of reports) {
    for (let i = 0; i < r.readers; i += 1) {
      const acked = r.resubscribedAt[i]!;
      const started = r.attemptAt[i]!;
      const opened = r.openedAt[i]!;
      if (acked === 0 || started === 0 || opened < started) continue;
      attempt.push((started - restartedAt) / 1e6);
      open.push((opened - started) / 1e6);
      answer.push((acked - opened) / 1e6);
    }
  }
  const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();
  const [a, o, s] = [sorted(attempt), sorted(open), sorted(answer)];
  return {
    attemptMs: { median: round(quantile(a, 0.5)), last: round(quantile(a, 1)) },
    openMs: { median: round(quantile(o, 0.5)), p99: round(quantile(o, 0.99)) },
    answerMs: { median: round(quantile(s, 0.5)), p99: round(quantile(s, 0.99)) },
  };
}

function busyDuring(sampler: CpuSampler | undefined, from: number, ms: number): Pick<StormResult, 'serverCpuBusyPercent' | 'loadgenCpuBusyPercent'> {
  if (sampler === undefined) return { serverCpuBusyPercent: Number.NaN, loadgenCpuBusyPercent: Number.NaN };
  const busy = sampler.busy(from, from + ms * 1e6);
  return { serverCpuBusyPercent: busy.server, loadgenCpuBusyPercent: busy.load };
}

function stormSettled(reports: WorkerReport[], published: Published[]): boolean {
  const figures = deliveryFigures(reports, published, 0);
  const resubscribed = reports.reduce((s, r) => s + r.resubscribedAt.filter((t) => t > 0).length, 0);
  return figures.lost === 0 && resubscribed === figures.readers;
}

/**
 * Runs the storm on the service: instance A holds the readers, B takes the POSTs; A is
 * killed (SIGKILL) and restarted on its port while entries keep coming through B.
 *
 * @example
 * const storm = await runStorm(10_000, params);
 */
export async function runStorm(readers: number, params: RunParameters): Promise<StormResult> {
  const scenario = `catch-up storm, ${readers} readers`;
  const log = (line: string): void => params.log(`[service ${scenario}] ${line}`);
  const blogId = `bench-storm-${readers}-${Date.now().toString(36)}`;
  const started = await startTargets('service', 2, params);
  let readerTarget: Target = started[0]!;
  const writer = started[1]!;
  let pool: LoadPool | undefined;
  let sampler: CpuSampler | undefined;
  try {
    await createBlog(writer.url, params.adminToken, blogId);
    const connected = await LoadPool.connect({
      targets: [{ url: readerTarget.url, readers }],
      wire: 'socketio',
      blogId,
      maxSeq: params.warmup + params.entries + 8,
      reconnect: true,
      batch: params.batch,
      cpus: params.loadCpus,
      onProgress: connectProgress(log),
    });
    pool = connected.pool;
    const warm = await publishPaced(writer.url, blogId, 0, params.warmup, params);
    await sleep(params.intervalMs);

    const killAfter = params.warmup + Math.max(1, Math.floor(params.entries / 4)) - 1;
    let killAt = 0;
    let overflowsAtKill = 0;
    let restartedAt = 0;
    let restart: Promise<void> = Promise.resolve();
    const measured = await publishPaced(writer.url, blogId, params.warmup, params.warmup + params.entries, params, (p) => {
      if (p.index !== killAfter) return;
      restart = (async () => {
        const port = readerTarget.port;
        await readerTarget.kill('SIGKILL');
        killAt = Number(process.hrtime.bigint());
        overflowsAtKill = listenOverflows();
        log(`instance killed (kill -9) after entry ${p.index - params.warmup + 1}; restarting on port ${port}`);
        readerTarget = await startTarget({ kind: 'service', port, redis: params.redis, adminToken: params.adminToken, cpus: params.serverCpus });
        restartedAt = Number(process.hrtime.bigint());
        sampler = new CpuSampler(readerTarget.pid, pool?.pids() ?? []);
        log(`instance back after ${((restartedAt - killAt) / 1e6).toFixed(0)} ms`);
      })();
    });
    await restart;
    const published = [...warm, ...measured];
    const deadline = Date.now() + 30_000;
    let reports = await pool.collect();
    while (!stormSettled(reports, published) && Date.now() < deadline) {
      await sleep(2_000);
      reports = await pool.collect();
      const back = reports.reduce((s, r) => s + r.resubscribedAt.filter((t) => t > 0).length, 0);
      log(`catching up: ${back}/${readers} resubscribed`);
    }
    sampler?.stop();
    const resubscribeTimes = Float64Array.from(
      reports.flatMap((r) => Array.from(r.resubscribedAt).filter((t) => t > 0).map((t) => (t - restartedAt) / 1e6)),
    ).sort();
    const phases = stormPhases(reports, restartedAt);
    // every reader must hold every entry published from the kill until the instance was back
    const missed = published.filter((p) => p.sentAt >= killAt - 1e9 && p.sentAt <= restartedAt);
    let caughtUp = 0;
    for (const report of reports) {
      const stride = report.firstReceive.length / Math.max(1, report.readers);
      for (let r = 0; r < report.readers; r += 1) {
        for (const p of missed) {
          if (p.seq <= report.subscribedAt[r]!) continue;
          const at = report.firstReceive[r * stride + p.seq]!;
          caughtUp = Math.max(caughtUp, at === 0 ? Number.POSITIVE_INFINITY : (at - restartedAt) / 1e6);
        }
      }
    }
    const delivery = deliveryFigures(reports, published, params.warmup);
    const result: StormResult = {
      scenario,
      readers,
      subscribeFailed: connected.ready.failed,
      resubscribed: resubscribeTimes.length,
      reconnects: reports.reduce((s, r) => s + r.reconnects, 0),
      downMs: round((restartedAt - killAt) / 1e6),
      resubscribeMs: { median: round(quantile(resubscribeTimes, 0.5)), last: round(quantile(resubscribeTimes, 1)) },
      ...phases,
      // until all caught up, or until the end of the wait when some never were
      ...busyDuring(sampler, restartedAt, Number.isFinite(caughtUp) ? caughtUp : (Number(process.hrtime.bigint()) - restartedAt) / 1e6),
      listenOverflows: listenOverflows() - overflowsAtKill,
      caughtUpMs: round(caughtUp),
      delivery,
    };
    log(
      `${result.resubscribed}/${readers} resubscribed, last ${result.resubscribeMs.last} ms after the restart; ` +
        `all caught up ${result.caughtUpMs} ms after it; lost ${delivery.lost}, doubled ${delivery.duplicated}`,
    );
    log(
      `last attempts started ${result.attemptMs.median} / ${result.attemptMs.last} ms after the restart (median / last); ` +
        `WebSocket open after ${result.openMs.median} / ${result.openMs.p99} ms, answered after ${result.answerMs.median} / ${result.answerMs.p99} ms more (median / p99); ` +
        `CPU busy: instance ${result.serverCpuBusyPercent} %, load generators ${result.loadgenCpuBusyPercent} %; ` +
        `${result.listenOverflows} connections dropped from a full accept queue`,
    );
    return result;
  } finally {
    sampler?.stop();
    await pool?.stop();
    await Promise.all([readerTarget.kill('SIGTERM'), writer.kill('SIGTERM')]);
  }
}
