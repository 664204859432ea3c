import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, waitForPing } from '../redis-server.js';
import { signalGroup, spawnTracked, trackedTempDir } from '../processes.js';

/** A redis-server that keeps its data in an append-only file, as production runs it. */
export interface AofRedis {
  url: string;
  port: number;
  /** A client for the test (CLIENT KILL, INFO); it reconnects by itself after a restart. */
  admin: Redis;
  /** False after `kill()` until `restart()`. */
  readonly running: boolean;
  /** True between `freeze()` and `thaw()`. */
  readonly frozen: boolean;
  /** SIGKILL: no shutdown, no last write; what is in the AOF is what survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir; resolves once it has loaded its AOF and answers. */
  restart(): Promise<void>;
  /** SIGSTOP: the process is frozen, its sockets stay open, commands queue up unanswered. */
  freeze(): Promise<void>;
  /** SIGCONT: it runs whatever was queued meanwhile. */
  thaw(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts redis-server with `appendonly yes` and `appendfsync always` on a free port, in a temp dir.
 * `always` because the chaos check demands that every entry answered 201 is still stored after
 * Redis is SIGKILLed: that is the promise docs/operations.md makes for `always` (with `everysec`
 * Redis may answer before its write reaches the file when a slow fsync holds the write back, and
 * the service would then rightly start a new epoch: a different, documented outcome).
 *
 * @example
 * const redis = await startAofRedis();
 * await redis.kill();
 * await redis.restart();
 */
export async function startAofRedis(): Promise<AofRedis> {
  const dir = trackedTempDir('liveblog-chaos-redis-');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let frozen = false;

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    const child = spawnTracked('redis-server', args, { stdio: 'ignore' });
    proc = child;
    frozen = false;
    await waitForPing(url, child, 15_000);
  };
  const current = (): ChildProcess => {
    if (proc === undefined) throw new Error('redis-server is not running');
    return proc;
  };

  await launch();
  const admin = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  admin.on('error', () => {
    // reconnects by itself across kill() / restart()
  });

  return {
    url,
    port,
    admin,
    get running() {
      return proc !== undefined;
    },
    get frozen() {
      return frozen;
    },
    async kill() {
      await signalGroup(current(), 'SIGKILL');
      proc = undefined;
      frozen = false;
    },
    restart: launch,
    async freeze() {
      await signalGroup(current(), 'SIGSTOP');
      frozen = true;
    },
    async thaw() {
      await signalGroup(current(), 'SIGCONT');
      frozen = false;
    },
    async close() {
      admin.disconnect();
      if (proc !== undefined) await signalGroup(proc, 'SIGKILL');
      proc = undefined;
    },
  };
}
