import { setupWorker } from '@socket.io/sticky';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Server } from 'socket.io';
import type { ReaderServer } from '../rooms/index.js';
import type { WorkerMessage } from './worker-messages.js';

/** What a worker tells its primary once it has joined. */
export interface WorkerLink {
  /** This worker is shutting down: the primary routes new readers to the others. */
  draining(): void;
}

function tell(message: WorkerMessage): void {
  // The primary is gone when the channel is: the worker then exits on its own ('disconnect').
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

/**
 * Makes this worker process one of the primary's: connections the primary accepted arrive over
 * IPC and are handed to the application's HTTP server (@socket.io/sticky, which also sets
 * `Connection: close` on every response so that a kept-alive connection cannot carry another
 * reader's session to the wrong worker), the primary's scrapes are answered from `registry`,
 * and the primary is told the worker is ready. Call it last, once the application is built.
 *
 * @example
 * const link = joinPrimary(application.io, application.metrics.registry);
 * // on SIGTERM: link.draining();
 */
export function joinPrimary(io: ReaderServer, registry: Registry): WorkerLink {
  setupWorker(io as unknown as Server);
  // Constructing it is what makes a worker answer the primary's AggregatorRegistry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  tell({ type: 'liveblog:ready' });
  return { draining: () => tell({ type: 'liveblog:draining' }) };
}
