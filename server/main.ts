import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { runInstance } from './instance.js';
import { createLogger } from './log/logger.js';
import { runPrimary } from './workers/primary.js';
import { workerCountOf } from './workers/worker-count.js';

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

const config = readConfig();
const workers = workerCountOf(config.WORKERS);
if (cluster.isPrimary && workers > 1) {
  void runPrimary(config, workers, createLogger(config.LOG_LEVEL));
} else {
  const worker = cluster.worker;
  void runInstance(config, createLogger(config.LOG_LEVEL, worker !== undefined ? { worker: worker.id } : {}));
}
