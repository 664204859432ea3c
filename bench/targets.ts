import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVICE_MAIN = join(ROOT, 'dist', 'server', 'main.js');

/** The three servers measured side by side. */
export const ServerKind = z.enum(['service', 'baseline', 'limit']);
export type ServerKind = z.infer<typeof ServerKind>;

export interface TargetOptions {
  kind: ServerKind;
  port: number;
  redisUrl: string;
  adminToken: string;
  /** CPU list for `taskset -c`. */
  cpus: string;
}

/** One running server process under test. */
export interface Target {
  kind: ServerKind;
  url: string;
  port: number;
  pid: number;
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
 * const target = await startTarget({ kind: 'service', port, redisUrl, adminToken, cpus: '0' });
 */
export async function startTarget(options: TargetOptions): Promise<Target> {
  if (options.kind === 'service' && !existsSync(SERVICE_MAIN)) {
    throw new Error(`${SERVICE_MAIN} is missing: run npm run build`);
  }
  // e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=bench/results/prof" profiles the servers only
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child = spawn('taskset', ['-c', options.cpus, process.execPath, ...flags, ...command(options.kind)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl,
      ADMIN_TOKEN: options.adminToken,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // production refuses to start without it (links must not follow the Host header)
      PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      // one token publishes every entry of every run, shared by all instances through Redis
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
  return {
    kind: options.kind,
    url,
    port: options.port,
    // taskset execs node, so this is the server's own pid
    pid,
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
