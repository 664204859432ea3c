import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../log/logger.js';
import type { PrimaryMetrics } from './primary-metrics.js';
import { RestartBackoff, type RestartBackoffOptions } from './restart-backoff.js';
import { admit, holdBack } from './sticky-routing.js';
import { WorkerMessage, isOurs } from './worker-messages.js';

export interface SupervisorOptions {
  count: number;
  logger: Logger;
  metrics: PrimaryMetrics;
  backoff?: RestartBackoffOptions;
}

/** One of the `count` places a worker runs in; a replacement takes its predecessor's slot. */
interface Slot {
  readonly index: number;
  readonly backoff: RestartBackoff;
  worker?: Worker;
  startedAt: number;
  ready: boolean;
  /** A replacement waiting out its backoff. */
  timer?: NodeJS.Timeout;
}

/**
 * Keeps `count` worker processes (this same program, forked by `node:cluster`) running: each
 * one that exits without being asked to is replaced after its slot's backoff, and `drain()`
 * asks every worker to shut down gracefully and waits for them.
 *
 * @example
 * const supervisor = new WorkerSupervisor({ count: 2, logger, metrics });
 * await supervisor.start(); // every worker ready
 * const clean = await supervisor.drain(); // SIGTERM to each; true when all exited 0
 */
export class WorkerSupervisor {
  private readonly log: Logger;
  private readonly slots: Slot[];
  private readonly bySlot = new Map<Worker, Slot>();
  private draining = false;
  private starting: { resolve(): void; reject(err: Error): void } | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.log = options.logger.child({ module: 'workers' });
    this.slots = Array.from({ length: options.count }, (_, index) => ({
      index,
      backoff: new RestartBackoff(options.backoff),
      startedAt: 0,
      ready: false,
    }));
  }

  /** Forks every worker; resolves once all are ready, rejects when one exits before it is. */
  start(): Promise<void> {
    // sticky passes each connection's first bytes as a Buffer, which JSON over IPC would turn into an object.
    cluster.setupPrimary({ serialization: 'advanced' });
    cluster.on('message', (worker, message: unknown) => this.onMessage(worker, message));
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    const started = new Promise<void>((resolve, reject) => {
      this.starting = { resolve, reject };
    });
    for (const slot of this.slots) this.fork(slot);
    return started;
  }

  /** The pids of the running workers, by slot. */
  pids(): Array<number | undefined> {
    return this.slots.map((slot) => slot.worker?.process.pid);
  }

  /**
   * Sends SIGTERM to every worker (each runs its graceful shutdown) and resolves once all have
   * exited: true when every one exited with 0. Nothing is replaced from here on.
   */
  async drain(): Promise<boolean> {
    this.draining = true;
    const exits: Array<Promise<boolean>> = [];
    for (const slot of this.slots) {
      clearTimeout(slot.timer);
      const worker = slot.worker;
      if (worker === undefined) continue;
      holdBack(worker);
      exits.push(
        worker.isDead()
          ? Promise.resolve(worker.process.exitCode === 0)
          : new Promise<boolean>((resolve) => {
              worker.once('exit', (code: number | null) => resolve(code === 0));
              worker.process.kill('SIGTERM');
            }),
      );
    }
    const results = await Promise.all(exits);
    return results.every(Boolean);
  }

  /** Kills every worker at once (the drain ran out of time). */
  kill(): void {
    for (const slot of this.slots) {
      if (slot.worker !== undefined && !slot.worker.isDead()) slot.worker.process.kill('SIGKILL');
    }
  }

  private fork(slot: Slot): void {
    slot.timer = undefined;
    const worker = cluster.fork();
    holdBack(worker);
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.ready = false;
    this.bySlot.set(worker, slot);
    this.log.info({ worker: worker.id, pid: worker.process.pid, slot: slot.index }, 'worker started');
  }

  private onMessage(worker: Worker, message: unknown): void {
    if (!isOurs(message)) return;
    const parsed = WorkerMessage.safeParse(message);
    const slot = this.bySlot.get(worker);
    if (!parsed.success || slot === undefined) {
      this.log.warn({ worker: worker.id }, 'dropped a malformed message from a worker');
      return;
    }
    if (parsed.data.type === 'liveblog:ready') {
      if (this.draining) return;
      slot.ready = true;
      admit(worker);
      this.log.info({ worker: worker.id, pid: worker.process.pid, slot: slot.index }, 'worker ready');
      if (this.starting !== undefined && this.slots.every((s) => s.ready)) {
        this.starting.resolve();
        this.starting = undefined;
      }
    } else {
      // Shutting down on a signal of its own: route new readers elsewhere while it drains.
      holdBack(worker);
      slot.ready = false;
    }
    this.updateReady();
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const slot = this.bySlot.get(worker);
    if (slot === undefined) return;
    this.bySlot.delete(worker);
    slot.worker = undefined;
    slot.ready = false;
    this.updateReady();
    const exit = { worker: worker.id, pid: worker.process.pid, slot: slot.index, code, signal };
    if (this.draining) {
      this.log.info(exit, 'worker stopped');
      return;
    }
    if (this.starting !== undefined) {
      this.starting.reject(new Error(`worker ${worker.id} exited (${code ?? signal}) before it was ready`));
      this.starting = undefined;
      return;
    }
    const livedMs = Date.now() - slot.startedAt;
    const delayMs = slot.backoff.next(livedMs);
    this.options.metrics.workerRestarts.inc();
    this.log.error({ ...exit, livedMs, restartInMs: delayMs }, 'worker exited; replacing it');
    slot.timer = setTimeout(() => this.fork(slot), delayMs);
  }

  private updateReady(): void {
    this.options.metrics.workersReady.set(this.slots.filter((s) => s.ready).length);
  }
}
