import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FromWorker, type ToWorker, type WireKind, type WorkerReport } from './messages.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** Sockets per load-generator process: well under the 20,000 open files a process may hold. */
export const READERS_PER_WORKER = 9_000;

export interface PoolTarget {
  url: string;
  readers: number;
}

export interface PoolOptions {
  targets: PoolTarget[];
  wire: WireKind;
  blogId: string;
  maxSeq: number;
  reconnect: boolean;
  batch: number;
  /** CPU list for `taskset -c` (the servers run on the other one). */
  cpus: string;
  onProgress: (subscribed: number, failed: number, total: number) => void;
}

export interface PoolReady {
  subscribed: number;
  failed: number;
  epoch: string | null;
}

interface Worker {
  child: ChildProcess;
  messages: FromWorker[];
  waiters: Array<() => void>;
  lastProgress: { subscribed: number; failed: number };
}

/**
 * The load-generator processes of one run: each target's readers are split over processes
 * of at most 9,000 sockets, all pinned to the load generator's CPU.
 *
 * @example
 * const pool = await LoadPool.connect({ targets: [{ url, readers: 1000 }], wire: 'socketio', ... });
 * await pool.mark(); ...; const reports = await pool.collect(); pool.stop();
 */
export class LoadPool {
  private constructor(private readonly workers: Worker[]) {}

  static async connect(options: PoolOptions): Promise<{ pool: LoadPool; ready: PoolReady }> {
    const plan: Array<{ url: string; readers: number }> = [];
    for (const target of options.targets) {
      for (let left = target.readers; left > 0; left -= READERS_PER_WORKER) {
        plan.push({ url: target.url, readers: Math.min(READERS_PER_WORKER, left) });
      }
    }
    const total = plan.reduce((sum, p) => sum + p.readers, 0);
    const workers = plan.map(() => spawnWorker(options.cpus));
    const pool = new LoadPool(workers);
    const report = (): void => {
      const subscribed = workers.reduce((s, w) => s + w.lastProgress.subscribed, 0);
      const failed = workers.reduce((s, w) => s + w.lastProgress.failed, 0);
      options.onProgress(subscribed, failed, total);
    };
    for (const w of workers) {
      w.child.on('message', () => {
        const last = w.messages.at(-1);
        if (last?.type === 'progress') {
          w.lastProgress = { subscribed: last.subscribed, failed: last.failed };
          report();
        }
      });
    }
    plan.forEach((p, i) =>
      pool.sendTo(i, {
        type: 'start',
        url: p.url,
        wire: options.wire,
        blogId: options.blogId,
        readers: p.readers,
        batch: options.batch,
        maxSeq: options.maxSeq,
        reconnect: options.reconnect,
      }),
    );
    const readies = await Promise.all(workers.map((w) => next(w, 'ready', 600_000)));
    return {
      pool,
      ready: {
        subscribed: readies.reduce((s, r) => s + r.subscribed, 0),
        failed: readies.reduce((s, r) => s + r.failed, 0),
        epoch: readies.find((r) => r.epoch !== null)?.epoch ?? null,
      },
    };
  }

  /** The load generators' process ids (for their CPU time). */
  pids(): number[] {
    return this.workers.flatMap((w) => (w.child.pid !== undefined ? [w.child.pid] : []));
  }

  private sendTo(i: number, message: ToWorker): void {
    this.workers[i]?.child.send(message);
  }

  /** Starts the CPU accounting of every process (the measured phase begins). */
  async mark(): Promise<void> {
    this.workers.forEach((_, i) => this.sendTo(i, { type: 'mark' }));
    await Promise.all(this.workers.map((w) => next(w, 'marked', 30_000)));
  }

  async collect(): Promise<WorkerReport[]> {
    this.workers.forEach((_, i) => this.sendTo(i, { type: 'collect' }));
    return Promise.all(this.workers.map((w) => next(w, 'report', 60_000)));
  }

  /** Ends the processes; the kernel closes their sockets. */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => w.child.kill('SIGKILL'), 5_000);
            w.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (w.child.connected) w.child.send({ type: 'stop' } satisfies ToWorker);
            else w.child.kill('SIGKILL');
          }),
      ),
    );
  }
}

function spawnWorker(cpus: string): Worker {
  const child = spawn('taskset', ['-c', cpus, process.execPath, '--import', 'tsx', WORKER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const worker: Worker = { child, messages: [], waiters: [], lastProgress: { subscribed: 0, failed: 0 } };
  child.prependListener('message', (raw: unknown) => {
    const parsed = FromWorker.safeParse(raw);
    worker.messages.push(parsed.success ? parsed.data : { type: 'error', message: `unreadable message: ${parsed.error.message}` });
    for (const wake of worker.waiters.splice(0)) wake();
  });
  child.on('exit', () => {
    for (const wake of worker.waiters.splice(0)) wake();
  });
  return worker;
}

/** Waits for the worker's next message of `type` (earlier ones of that type are consumed). */
async function next<T extends FromWorker['type']>(
  worker: Worker,
  type: T,
  timeoutMs: number,
): Promise<Extract<FromWorker, { type: T }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = worker.messages.find((m) => m.type === 'error');
    if (failure?.type === 'error') throw new Error(`load generator: ${failure.message}`);
    const index = worker.messages.findIndex((m) => m.type === type);
    if (index >= 0) {
      const [found] = worker.messages.splice(index, 1);
      return found as Extract<FromWorker, { type: T }>;
    }
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) throw new Error(`load generator exited before '${type}'`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`load generator did not send '${type}' within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      worker.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
