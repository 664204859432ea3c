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

/** `POST /api/blogs` (201) and `PATCH /api/blogs/:blogId` (200) */
export const BlogWriteResult = z.object({ blog: Blog, position: Position });
export type BlogWriteResult = z.infer<typeof BlogWriteResult>;

/** `POST .../entries` (201) and `PATCH .../entries/:entryId` (200) */
export const EntryWriteResult = z.object({ entry: Entry, position: Position });
export type EntryWriteResult = z.infer<typeof EntryWriteResult>;

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
