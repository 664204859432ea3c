import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server of the test's own, on a free port of 127.0.0.1 (never the developer's 6379). */
export interface TestRedis {
  port: number;
  url: string;
  /** A plain client for the test to inspect or disturb Redis (FLUSHALL, CLIENT KILL...). */
  admin: Redis;
  /** Stops the server (SIGKILL when `hard`), keeping the port for `start()`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port, with an empty dataset (no persistence). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function assertRedisInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (npm test does this on Debian as root)');
  }
}

/**
 * Resolves once the redis-server `proc` answers PING at `url` (a server loading its AOF answers
 * LOADING until it is done); rejects when it exits or `timeoutMs` passes.
 *
 * @example
 * await waitForPing(url, child, 10_000);
 */
export async function waitForPing(url: string, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {
      // expected while the server starts; the loop retries
    });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch (err) {
      lastError = err;
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`redis-server did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Starts a throwaway redis-server without persistence.
 *
 * @example
 * const redis = await startRedis();
 * after(() => redis.close());
 */
export async function startRedis(extraArgs: string[] = []): Promise<TestRedis> {
  assertRedisInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'liveblog-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
      { stdio: 'ignore' },
    );
    proc = child;
    await waitForPing(url, child, 10_000);
  };

  const stop = async (hard = false): Promise<void> => {
    const child = proc;
    proc = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };

  await launch();
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => {
    // the admin client reconnects by itself across stop()/start()
  });

  return {
    port,
    url,
    admin,
    stop,
    start: launch,
    async close() {
      admin.disconnect();
      await stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
