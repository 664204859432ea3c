import * as z from 'zod';
import { Blog } from '../schemas/blog.js';
import { Entry } from '../schemas/entry.js';
import { Position } from '../schemas/position.js';
import { Cursor } from '../schemas/snapshot.js';
import { BlogEvent } from '../schemas/event.js';
import { Snapshot } from '../schemas/snapshot.js';
import { Epoch } from '../schemas/ids.js';
import { LIMITS } from '../limits.js';

/** `GET /api/blogs` */
export const BlogList = z.object({ blogs: z.array(Blog) });
export type BlogList = z.infer<typeof BlogList>;

/**
 * Why a write was answered 202 rather than 201/200/204: it IS stored (and readers get it), but not yet
 * where the server was configured to make sure it is. Closed: a new code is a protocol change.
 * - `not_replicated`: fewer than `wanted` Redis replicas confirmed the write in time
 *   (`REDIS_WAIT_REPLICAS`); `replicas` did. A failover before they copy it could lose it; sending
 *   the same request again with the same Idempotency-Key stores nothing twice and waits again.
 */
export const WriteWarning = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not_replicated'), replicas: z.number().int().min(0), wanted: z.number().int().min(1) }),
]);
export type WriteWarning = z.infer<typeof WriteWarning>;

/** `POST /api/blogs` (201) and `PATCH /api/blogs/:blogId` (200), or 202 with `replication`. */
export const BlogWriteResult = z.object({ blog: Blog, position: Position, replication: WriteWarning.optional() });
export type BlogWriteResult = z.infer<typeof BlogWriteResult>;

/** `POST .../entries` (201) and `PATCH .../entries/:entryId` (200), or 202 with `replication`. */
export const EntryWriteResult = z.object({ entry: Entry, position: Position, replication: WriteWarning.optional() });
export type EntryWriteResult = z.infer<typeof EntryWriteResult>;

/** `DELETE .../entries/:entryId` answered 202 (a 204 has no body). */
export const DeleteWarningResult = z.object({ replication: WriteWarning });
export type DeleteWarningResult = z.infer<typeof DeleteWarningResult>;

/** Query of `GET /api/blogs/:blogId`. */
export const BlogPageQuery = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export type BlogPageQuery = z.infer<typeof BlogPageQuery>;

/** Query of `GET /api/blogs/:blogId/events`. */
export const EventsQuery = z.object({
  epoch: Epoch.optional(),
  after: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

/** `GET /api/blogs/:blogId/events` */
export const EventsResult = z.union([
  z.object({ position: Position, events: z.array(BlogEvent) }),
  z.object({ position: Position, reset: z.literal(true), snapshot: Snapshot }),
]);
export type EventsResult = z.infer<typeof EventsResult>;
