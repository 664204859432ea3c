import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { setupMaster } from '@socket.io/sticky';
import type { Config } from '../config/config.js';
import { listenOrExit, onStopSignal, serveMetricsOrExit, shownUrl } from '../lifecycle.js';
import type { Logger } from '../log/logger.js';
import { createPrimaryMetrics } from './primary-metrics.js';
import { STICKY_BALANCING } from './sticky-routing.js';
import { WorkerSupervisor } from './supervisor.js';

/**
 * The primary of `WORKERS` > 1: it serves no request itself. It accepts every connection on
 * `PORT` and hands it to a worker with @socket.io/sticky (a long-polling session's requests to
 * the worker that holds the session, a new connection to the worker with the fewest), keeps
 * `count` workers running, serves one `/metrics` for all of them, and on SIGTERM / SIGINT drains
 * every worker, stops accepting after `SHUTDOWN_DRAIN_MS` and exits 0.
 *
 * @example
 * if (cluster.isPrimary && count > 1) await runPrimary(config, count, logger);
 */
export async function runPrimary(config: Config, count: number, logger: Logger): Promise<void> {
  const log = logger.child({ module: 'primary' });
  const metrics = createPrimaryMetrics();
  const supervisor = new WorkerSupervisor({ count, logger, metrics });

  const httpServer = createServer();
  setupMaster(httpServer, STICKY_BALANCING);

  await supervisor.start().catch(async (err: unknown) => {
    log.fatal({ err }, 'cannot start: a worker exited before it was ready');
    const stopped = setTimeout(() => supervisor.kill(), config.SHUTDOWN_TIMEOUT_MS);
    await supervisor.drain();
    clearTimeout(stopped);
    process.exit(1);
  });

  await listenOrExit(httpServer, config, log);
  const metricsServer = await serveMetricsOrExit(metrics.source, config, logger);
  log.info({ mode: 'workers', workers: count, pids: supervisor.pids(), url: shownUrl(config) }, 'liveblog is serving');

  onStopSignal(
    config,
    log,
    async () => {
      // Each worker turns /readyz to 503 and keeps serving for SHUTDOWN_DRAIN_MS (the balancer moves
      // new readers elsewhere meanwhile), then lets its readers go; only then stop accepting here.
      const drained = supervisor.drain();
      await sleep(config.SHUTDOWN_DRAIN_MS);
      httpServer.close();
      const clean = await drained;
      httpServer.closeAllConnections();
      await metricsServer?.close();
      return clean;
    },
    () => supervisor.kill(),
  );
}
