import type { Worker } from 'node:cluster';

/**
 * How the primary keeps @socket.io/sticky from routing readers to a worker that cannot take them.
 *
 * sticky hands each new connection to a worker as soon as it is in `cluster.workers`, which a
 * worker is from the moment it is forked. A worker still loading its modules or connecting to
 * Redis has no listener for the handed-over socket yet, and Node drops an IPC message nobody
 * listens for: the reader would hang until its own timeout. sticky's `least-connection` method
 * picks the worker with the fewest `clientsCount` (a property it keeps on the cluster `Worker`),
 * so a worker that counts as infinitely busy gets no new connection while another can take it.
 * Sessions already bound to a worker (long-polling by `sid`) still go to it. test/server/
 * workers.test.ts opens readers while a replacement worker starts, and fails should sticky stop
 * reading `clientsCount`.
 */
interface StickyWorker {
  clientsCount?: number;
}

/** The option this module relies on: the other methods ignore `clientsCount`. */
export const STICKY_BALANCING = { loadBalancingMethod: 'least-connection' } as const;

/**
 * No new connections for `worker` (just forked, or draining).
 *
 * @example
 * holdBack(cluster.fork());
 */
export function holdBack(worker: Worker): void {
  (worker as StickyWorker).clientsCount = Number.POSITIVE_INFINITY;
}

/**
 * `worker` is ready: it takes new connections, and being empty it takes them before the others.
 *
 * @example
 * admit(worker); // on its `liveblog:ready` message
 */
export function admit(worker: Worker): void {
  (worker as StickyWorker).clientsCount = 0;
}
