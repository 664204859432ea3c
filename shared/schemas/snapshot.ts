import * as z from 'zod';
import { Blog } from './blog.js';
import { Entry } from './entry.js';
import { BlogEvent } from './event.js';
import { Position } from './position.js';

/** Opaque cursor for the next (older) page of entries; `null` when there is none. */
export const Cursor = z.string().regex(/^[0-9]{1,16}$/, 'not a cursor');
export type Cursor = z.infer<typeof Cursor>;

/** A blog's state: header plus one page of entries, newest first. */
export const Snapshot = z.object({
  blog: Blog,
  entries: z.array(Entry),
  nextCursor: Cursor.nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** `GET /api/blogs/:blogId`: a snapshot and the exact position it reflects. */
export const BlogPage = Snapshot.extend({ position: Position });
export type BlogPage = z.infer<typeof BlogPage>;

/** Catch-up answer: either every event after the asked seq, or a reset with a fresh snapshot. */
export const CatchUp = z.union([
  z.object({ reset: z.literal(false), position: Position, events: z.array(BlogEvent) }),
  z.object({ reset: z.literal(true), position: Position, snapshot: Snapshot }),
]);
export type CatchUp = z.infer<typeof CatchUp>;
