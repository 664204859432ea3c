import { LoadPool } from './loadgen/pool.js';
import type { WorkerReport } from './loadgen/messages.js';
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
  /** From the restart until every reader had every entry published while it was gone. */
  caughtUpMs: number;
  delivery: DeliveryFigures;
}

const round = (n: number): number => Math.round(n * 100) / 100;

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
    let restartedAt = 0;
    let restart: Promise<void> = Promise.resolve();
    const measured = await publishPaced(writer.url, blogId, params.warmup, params.warmup + params.entries, params, (p) => {
      if (p.index !== killAfter) return;
      restart = (async () => {
        const port = readerTarget.port;
        await readerTarget.kill('SIGKILL');
        killAt = Number(process.hrtime.bigint());
        log(`instance killed (kill -9) after entry ${p.index - params.warmup + 1}; restarting on port ${port}`);
        readerTarget = await startTarget({ kind: 'service', port, redisUrl: params.redisUrl, adminToken: params.adminToken, cpus: params.serverCpus });
        restartedAt = Number(process.hrtime.bigint());
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
    const resubscribeTimes = Float64Array.from(
      reports.flatMap((r) => Array.from(r.resubscribedAt).filter((t) => t > 0).map((t) => (t - restartedAt) / 1e6)),
    ).sort();
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
      caughtUpMs: round(caughtUp),
      delivery,
    };
    log(
      `${result.resubscribed}/${readers} resubscribed, last ${result.resubscribeMs.last} ms after the restart; ` +
        `all caught up ${result.caughtUpMs} ms after it; lost ${delivery.lost}, doubled ${delivery.duplicated}`,
    );
    return result;
  } finally {
    await pool?.stop();
    await Promise.all([readerTarget.kill('SIGTERM'), writer.kill('SIGTERM')]);
  }
}
