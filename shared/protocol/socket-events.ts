import * as z from 'zod';
import { SocketErrorCode } from '../errors.js';
import { BlogEvent } from '../schemas/event.js';
import { BlogId, Epoch } from '../schemas/ids.js';
import { Position } from '../schemas/position.js';
import { Snapshot } from '../schemas/snapshot.js';

/** `subscribe` payload. Without `epoch` and `after` the answer is a reset with a snapshot. */
export const SubscribeRequest = z.strictObject({
  blogId: BlogId,
  epoch: Epoch.optional(),
  after: z.number().int().min(0).optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export const UnsubscribeRequest = z.strictObject({ blogId: BlogId });
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequest>;

/** `subscribe` ack: every event after `after`, or a reset with a snapshot, or an error. */
export const SubscribeAck = z.union([
  z.object({ ok: z.literal(true), reset: z.literal(false), position: Position, events: z.array(BlogEvent) }),
  z.object({ ok: z.literal(true), reset: z.literal(true), position: Position, snapshot: Snapshot }),
  z.object({ ok: z.literal(false), error: z.object({ code: SocketErrorCode, message: z.string() }) }),
]);
export type SubscribeAck = z.infer<typeof SubscribeAck>;

/**
 * Events a client sends. Payloads are typed `unknown` on purpose: the server
 * validates them with the schemas above, because any reader can send anything.
 */
export interface ClientEvents {
  subscribe: (request: unknown, ack: (response: SubscribeAck) => void) => void;
  unsubscribe: (request: unknown) => void;
}

/** How many readers have a blog open, across all server instances; sent at most every few seconds. */
export const ReaderCount = z.object({ blogId: BlogId, count: z.number().int().min(0) });
export type ReaderCount = z.infer<typeof ReaderCount>;

/** Events the server sends. */
export interface ServerEvents {
  update: (event: BlogEvent) => void;
  readers: (count: ReaderCount) => void;
}
