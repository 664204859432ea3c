import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../redis-server.js';
import { collectGarbage } from './inspector.js';
import { scrapeMetrics, type Scrape } from './scrape.js';
import { signalGroup, spawnTracked } from '../processes.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SERVICE_MAIN = join(ROOT, 'dist', 'server', 'main.js');
/** The last output kept per instance, for the failure message. */
const LOG_TAIL_CHARS = 16_384;

/** One instance of the built service (`node dist/server/main.js`) as a child process. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly metricsUrl: string;
  /** The running process' pid; undefined while it is down. */
  readonly pid: number | undefined;
  /** Sends `signal` and waits for the exit (SIGTERM: the graceful shutdown). */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same ports; resolves once it answers `/readyz`. */
  start(): Promise<void>;
  metrics(): Promise<Scrape>;
  /** The metrics right after a full garbage collection: memory figures then count only what is held. */
  metricsAfterGc(): Promise<Scrape>;
  /** The end of what it wrote to stdout / stderr (across restarts). */
  logTail(): string;
}

export interface ServiceOptions {
  name: string;
  redisUrl: string;
  adminToken: string;
  /** Extra environment, over the defaults below. */
  env?: Record<string, string>;
}

async function waitReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the service exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the service at ${url} was not ready within 30 s:\n${logs()}`);
}

/**
 * Starts the production build of the service on 127.0.0.1 with its metrics on a port of its own,
 * in its own process group (see processes.ts), and waits until it is ready.
 *
 * @example
 * const a = await startService({ name: 'A', redisUrl: redis.url, adminToken });
 * await a.stop('SIGKILL');
 * await a.start();
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  if (!existsSync(SERVICE_MAIN)) throw new Error(`${SERVICE_MAIN} is missing: run npm run build (npm test does)`);
  const port = await freePort();
  const metricsPort = await freePort();
  const inspectPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  let child: ChildProcess | undefined;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    REDIS_URL: options.redisUrl,
    ADMIN_TOKEN: options.adminToken,
    LOG_LEVEL: 'warn',
    // The publisher posts several entries a second with one token: far past the default limits.
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_PREVIEWS_PER_MINUTE: '1000000',
    ...options.env,
  };

  const start = async (): Promise<void> => {
    // The inspector only serves `metricsAfterGc`; it listens on loopback like the rest.
    const started = spawnTracked(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, SERVICE_MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    child = started;
    await waitReady(url, started, () => output);
  };

  await start();
  return {
    name: options.name,
    url,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    get pid() {
      return child?.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async stop(signal) {
      if (child === undefined) return;
      const stopping = child;
      child = undefined;
      await signalGroup(stopping, signal);
    },
    start,
    metrics: () => scrapeMetrics(`http://127.0.0.1:${metricsPort}/metrics`),
    async metricsAfterGc() {
      await collectGarbage(inspectPort);
      return scrapeMetrics(`http://127.0.0.1:${metricsPort}/metrics`);
    },
    logTail: () => output,
  };
}
