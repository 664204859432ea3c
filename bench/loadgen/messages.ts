import * as z from 'zod';

/**
 * The messages between the bench orchestrator and a load-generator process (node IPC with
 * `serialization: 'advanced'`, so typed arrays travel as they are). Both sides parse what
 * they receive: the other process is an edge like any other.
 */

/** How readers talk to the server under test: Socket.IO by hand, or the limit server's bare frames. */
export const WireKind = z.enum(['socketio', 'ws']);
export type WireKind = z.infer<typeof WireKind>;

export const WorkerStart = z.object({
  type: z.literal('start'),
  /** Base URL of the server this worker's readers connect to, e.g. `http://127.0.0.1:4100`. */
  url: z.string(),
  wire: WireKind,
  blogId: z.string(),
  readers: z.number().int().min(1).max(9_500),
  /** Sockets opened at once before waiting for them to be subscribed. */
  batch: z.number().int().min(1),
  /** Highest seq a reader can see in this run (receive buffers are sized by it). */
  maxSeq: z.number().int().min(1),
  /** Reconnect and resubscribe with the held position when a socket drops (catch-up storm). */
  reconnect: z.boolean(),
});
export type WorkerStart = z.infer<typeof WorkerStart>;

export const WorkerMark = z.object({ type: z.literal('mark') });
export const WorkerCollect = z.object({ type: z.literal('collect') });
export const WorkerStop = z.object({ type: z.literal('stop') });

export const ToWorker = z.discriminatedUnion('type', [WorkerStart, WorkerMark, WorkerCollect, WorkerStop]);
export type ToWorker = z.infer<typeof ToWorker>;

export const WorkerProgress = z.object({ type: z.literal('progress'), subscribed: z.number().int(), failed: z.number().int() });
export const WorkerReady = z.object({
  type: z.literal('ready'),
  subscribed: z.number().int(),
  failed: z.number().int(),
  /** The epoch of the blog's log, from the first subscribe ack (service only). */
  epoch: z.string().nullable(),
});
export const WorkerMarked = z.object({ type: z.literal('marked') });

/** Everything the worker recorded; times are `process.hrtime.bigint()` nanoseconds as numbers. */
export const WorkerReport = z.object({
  type: z.literal('report'),
  readers: z.number().int(),
  /** `[reader * (maxSeq + 1) + seq]`: first receive time of that seq by that reader, 0 when never. */
  firstReceive: z.instanceof(Float64Array),
  /** Same layout: how many times it arrived (more than 1 is a duplicate). */
  receiveCount: z.instanceof(Uint8Array),
  /** Seq each reader held when it subscribed (events up to it are not expected). */
  subscribedAt: z.instanceof(Uint32Array),
  /** Per reader: when its last resubscribe ack arrived (0 when it never had to resubscribe). */
  resubscribedAt: z.instanceof(Float64Array),
  /** Per reader, of its last reconnect: when the attempt started, and when its WebSocket was open (0: none). */
  attemptAt: z.instanceof(Float64Array),
  openedAt: z.instanceof(Float64Array),
  reconnects: z.number().int(),
  /** CPU time of this process since `mark`, and the wall time it covers. */
  cpuMicros: z.number(),
  wallMicros: z.number(),
});
export type WorkerReport = z.infer<typeof WorkerReport>;

export const WorkerFailure = z.object({ type: z.literal('error'), message: z.string() });

export const FromWorker = z.discriminatedUnion('type', [WorkerProgress, WorkerReady, WorkerMarked, WorkerReport, WorkerFailure]);
export type FromWorker = z.infer<typeof FromWorker>;
