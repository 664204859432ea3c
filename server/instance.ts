import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApplication } from './app.js';
import { buildComponents } from './components.js';
import type { Config } from './config/config.js';
import { seedDemo } from './demo/index.js';
import { listenOrExit, onStopSignal, serveMetricsOrExit, shownUrl } from './lifecycle.js';
import type { Logger } from './log/logger.js';
import { joinPrimary, type WorkerLink } from './workers/worker-link.js';

/**
 * One full instance of the service in this process: store, bus, relay, rooms, REST. On its own
 * it listens on `PORT` and serves its metrics; as a worker of a primary (`WORKERS` > 1) it gets
 * its connections and its scrapes from the primary instead.
 *
 * @example
 * await runInstance(loadConfig(process.env), createLogger('info'));
 */
export async function runInstance(config: Config, logger: Logger): Promise<void> {
  const log = logger.child({ module: 'main' });

  const built = await buildComponents(config, logger, { processMetrics: true }).catch((err: unknown) => {
    log.fatal({ err }, 'cannot start: the store is unreachable');
    process.exit(1);
  });

  if (built.mode === 'embedded') {
    // A newcomer's first run shows a real live page at once; with Redis, blogs are the newsroom's own.
    const seeded = await seedDemo(built.components.store);
    log.info({ path: `/blogs/${seeded.blogId}`, seeded: seeded.seeded }, 'demo live blog');
  }

  const httpServer = createServer();
  const application = createApplication(httpServer, built.components);

  let link: WorkerLink | undefined;
  let stopMetrics: () => Promise<void> = async () => undefined;
  if (cluster.isWorker) {
    link = joinPrimary(application.io, application.metrics.registry);
    log.info({ pid: process.pid }, 'worker serving');
  } else {
    await listenOrExit(httpServer, config, log);
    const metricsServer = await serveMetricsOrExit(application.metrics.registry, config, logger);
    if (metricsServer !== undefined) stopMetrics = () => metricsServer.close();
    log.info({ mode: built.mode, url: shownUrl(config) }, 'liveblog is serving');
  }
  if (built.generatedAdminToken !== undefined) {
    // Printed, never logged: logs are shipped and kept, this line is for the person at the terminal.
    process.stdout.write(
      `\n  Admin token for this run (set ADMIN_TOKEN to choose your own):\n  ${built.generatedAdminToken}\n\n`,
    );
  }

  onStopSignal(config, log, async () => {
    // Readiness goes first, so the load balancer routes new readers elsewhere while this instance
    // still serves; then stop accepting, let readers go (they reconnect elsewhere), then the store.
    application.drain();
    await sleep(config.SHUTDOWN_DRAIN_MS);
    link?.draining();
    httpServer.close();
    await application.close();
    httpServer.closeIdleConnections();
    await Promise.all([built.close(), stopMetrics()]);
    httpServer.closeAllConnections();
    return true;
  });
}
