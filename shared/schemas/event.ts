import * as z from 'zod';
import { Blog } from './blog.js';
import { Entry } from './entry.js';
import { BlogId, Epoch, EntryId, Timestamp } from './ids.js';

const EventBase = {
  blogId: BlogId,
  epoch: Epoch,
  seq: z.number().int().min(1),
  at: Timestamp,
};

/** The unit that travels: stored in the blog's log, published, relayed, applied by readers by (epoch, seq). */
export const BlogEvent = z.discriminatedUnion('type', [
  z.object({ ...EventBase, type: z.literal('entry.created'), entry: Entry }),
  z.object({ ...EventBase, type: z.literal('entry.updated'), entry: Entry }),
  z.object({ ...EventBase, type: z.literal('entry.deleted'), entryId: EntryId }),
  z.object({ ...EventBase, type: z.literal('blog.updated'), blog: Blog }),
]);
export type BlogEvent = z.infer<typeof BlogEvent>;
export type BlogEventType = BlogEvent['type'];

/**
 * An event before the store stamps it: the store alone assigns epoch and seq,
 * inside the same atomic step that writes the state.
 */
export type UnstampedEvent = BlogEvent extends infer E
  ? E extends BlogEvent
    ? Omit<E, 'epoch' | 'seq'>
    : never
  : never;
