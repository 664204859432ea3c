import { z } from 'zod';

/**
 * What a worker tells the primary over the cluster's IPC channel. The same channel carries
 * @socket.io/sticky's and prom-client's messages; theirs have types of their own prefixes.
 */
export const WorkerMessage = z.discriminatedUnion('type', [
  /** Its store, bus and application are up: the primary may route readers to it. */
  z.object({ type: z.literal('liveblog:ready') }),
  /** It is shutting down: no new connections for it. */
  z.object({ type: z.literal('liveblog:draining') }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;

/**
 * Whether an IPC message is one of ours (which must then parse as a `WorkerMessage`).
 *
 * @example
 * isOurs({ type: 'liveblog:ready' }); // true
 * isOurs({ type: 'sticky:connection' }); // false
 */
export function isOurs(message: unknown): boolean {
  return typeof message === 'object' && message !== null && String((message as { type?: unknown }).type).startsWith('liveblog:');
}
