import type { Server } from 'node:http';
import type { Config } from './config/config.js';
import type { Logger } from './log/logger.js';
import { startMetricsServer, type MetricsServer, type MetricsSource } from './metrics/index.js';

/**
 * Listens on the public `PORT`, or ends the process when it cannot.
 *
 * @example
 * await listenOrExit(httpServer, config, log);
 */
export async function listenOrExit(httpServer: Server, config: Config, log: Logger): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    // A deep accept queue: after a restart thousands of readers reconnect within a second.
    httpServer.listen({ port: config.PORT, host: config.HOST, backlog: 4096 }, () => resolve());
  }).catch((err: unknown) => {
    log.fatal({ err, port: config.PORT }, 'cannot listen');
    process.exit(1);
  });
}

/**
 * Serves `registry` on `METRICS_PORT` when it is set, or ends the process when it cannot.
 *
 * @example
 * const metricsServer = await serveMetricsOrExit(metrics.registry, config, logger);
 */
export async function serveMetricsOrExit(registry: MetricsSource, config: Config, logger: Logger): Promise<MetricsServer | undefined> {
  if (config.METRICS_PORT === undefined) return undefined;
  return startMetricsServer({ registry, port: config.METRICS_PORT, host: config.METRICS_HOST ?? config.HOST, logger }).catch((err: unknown) => {
    logger.fatal({ err, port: config.METRICS_PORT }, 'cannot listen for metrics');
    process.exit(1);
  });
}

/** The address to print for people: a wildcard host is reached as localhost. */
export function shownUrl(config: Config): string {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host}:${config.PORT}`;
}

/**
 * Runs `stop` once on the first SIGTERM or SIGINT and exits with its result (0 when it resolves
 * true); exits 1 should it take longer than `SHUTDOWN_TIMEOUT_MS`, after `onTimeout`.
 *
 * @example
 * onStopSignal(config, log, async () => { await application.close(); return true; });
 */
export function onStopSignal(config: Config, log: Logger, stop: () => Promise<boolean>, onTimeout: () => void = () => undefined): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      onTimeout();
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    void stop().then(
      (clean) => {
        log.info('stopped');
        process.exit(clean ? 0 : 1);
      },
      (err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
