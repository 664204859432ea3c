import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { pin } from './proc-stats.js';
import type { RedisUnderTest } from './redis-under-test.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVICE_MAIN = join(ROOT, 'dist', 'server', 'main.js');

/** The three servers measured side by side. */
export const ServerKind = z.enum(['service', 'baseline', 'limit']);
export type ServerKind = z.infer<typeof ServerKind>;

export interface TargetOptions {
  kind: ServerKind;
  port: number;
  redis: RedisUnderTest;
  adminToken: string;
  /** CPU list for `taskset -c`. */
  cpus: string;
  /**
   * The service only: `WORKERS=n` (Node's cluster, one port), each worker then pinned to its own
   * entry of `workerCpus`; without it the service runs as one process (`WORKERS=1`).
   */
  workers?: { count: number; workerCpus: string[] };
}

/** One running server process under test. */
export interface Target {
  kind: ServerKind;
  url: string;
  port: number;
  pid: number;
  /** The process and its workers (`WORKERS>1`): what CPU time and memory are summed over. */
  pids(): number[];
  /** Kills it (SIGKILL unless told) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function command(kind: ServerKind): string[] {
  switch (kind) {
    case 'service':
      return [SERVICE_MAIN];
    case 'baseline':
      return ['--import', 'tsx', join(ROOT, 'bench', 'servers', 'baseline.ts')];
    case 'limit':
      return ['--import', 'tsx', join(ROOT, 'bench', 'servers', 'limit.ts')];
    default:
      return kind satisfies never;
  }
}

/** The pids of a process's children (its cluster workers), from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter((p) => p !== '').map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Waits until the primary of a `WORKERS=n` service has its n workers, then pins worker i to
 * `workerCpus[i]` (the primary stays where it was started: it only hands connections over).
 */
async function pinWorkers(pid: number, workers: { count: number; workerCpus: string[] }, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let children = childPids(pid);
  while (children.length < workers.count) {
    if (Date.now() > deadline) throw new Error(`${url}: ${children.length} of ${workers.count} workers after 30 s: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
    children = childPids(pid);
  }
  children.forEach((child, i) => pin(child, workers.workerCpus[i % workers.workerCpus.length]!));
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering: ${output()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${url} did not answer /healthz within 30 s: ${output()}`);
}

/**
 * Starts a server under test pinned to `cpus` (the service from its production build) and
 * waits until it answers `/healthz`.
 *
 * @example
 * const target = await startTarget({ kind: 'service', port, redis, adminToken, cpus: '0' });
 */
export async function startTarget(options: TargetOptions): Promise<Target> {
  if (options.kind === 'service' && !existsSync(SERVICE_MAIN)) {
    throw new Error(`${SERVICE_MAIN} is missing: run npm run build`);
  }
  if (options.kind !== 'service' && (options.redis.url === undefined || options.workers !== undefined)) {
    throw new Error(`the ${options.kind} server runs as one process on a single Redis only`);
  }
  const redisEnv = options.kind === 'service' ? options.redis.env : { REDIS_URL: options.redis.url ?? '' };
  // e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=bench/results/prof" profiles the servers only
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child = spawn('taskset', ['-c', options.cpus, process.execPath, ...flags, ...command(options.kind)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      ...redisEnv,
      WORKERS: String(options.workers?.count ?? 1),
      ADMIN_TOKEN: options.adminToken,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // production refuses to start without it (links must not follow the Host header)
      PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      // the benchmark posts far faster than an editor may (default 120 writes a minute per token)
      RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    },
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${options.port}`;
  await waitHealthy(url, child, () => tail);
  const pid = child.pid;
  if (pid === undefined) throw new Error('server has no pid');
  if (options.workers !== undefined) await pinWorkers(pid, options.workers, url, () => tail);
  return {
    kind: options.kind,
    url,
    port: options.port,
    // taskset execs node, so this is the server's own pid
    pid,
    pids: () => [pid, ...childPids(pid)],
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // a graceful stop that hangs (thousands of sockets to close) still ends
        const force = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill(signal);
      }),
  };
}
