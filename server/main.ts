import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApplication } from './app.js';
import { buildComponents } from './components.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { seedDemo } from './demo/index.js';
import { createLogger } from './log/logger.js';
import { startMetricsServer, type MetricsServer } from './metrics/index.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`liveblog: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.LOG_LEVEL);
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

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    // A deep accept queue: after a restart thousands of readers reconnect within a second.
    httpServer.listen({ port: config.PORT, host: config.HOST, backlog: 4096 }, () => resolve());
  }).catch((err: unknown) => {
    log.fatal({ err, port: config.PORT }, 'cannot listen');
    process.exit(1);
  });

  let metricsServer: MetricsServer | undefined;
  if (config.METRICS_PORT !== undefined && built.components.metrics !== undefined) {
    const metrics = built.components.metrics;
    metricsServer = await startMetricsServer({ metrics, port: config.METRICS_PORT, host: config.METRICS_HOST ?? config.HOST, logger }).catch(
      (err: unknown) => {
        log.fatal({ err, port: config.METRICS_PORT }, 'cannot listen for metrics');
        process.exit(1);
      },
    );
  }

  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  log.info({ mode: built.mode, url: `http://${shownHost}:${config.PORT}` }, 'liveblog is serving');
  if (built.generatedAdminToken !== undefined) {
    // Printed, never logged: logs are shipped and kept, this line is for the person at the terminal.
    process.stdout.write(
      `\n  Admin token for this run (set ADMIN_TOKEN to choose your own):\n  ${built.generatedAdminToken}\n\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // Readiness goes first, so the load balancer routes new readers elsewhere while this instance
    // still serves; then stop accepting, let readers go (they reconnect elsewhere), then the store.
    application.drain();
    void sleep(config.SHUTDOWN_DRAIN_MS)
      .then(() => {
        httpServer.close();
        return application.close();
      })
      .then(() => {
        httpServer.closeIdleConnections();
        return Promise.all([built.close(), metricsServer?.close()]);
      })
      .then(() => {
        httpServer.closeAllConnections();
        log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
