import * as z from 'zod';
import { LIMITS } from '../limits.js';

/** A blog id: a URL-safe slug, as it appears in `/blogs/:blogId`. */
export const BlogId = z
  .string()
  .min(1)
  .max(LIMITS.blogIdMaxLength)
  .regex(/^[a-z0-9-]+$/, 'use only a-z, 0-9 and "-"');
export type BlogId = z.infer<typeof BlogId>;

/** An entry id: lowercase alphanumerics, used in `#entry-<id>` permalinks. */
export const EntryId = z.string().regex(/^[a-z0-9]{6,40}$/, 'not an entry id');
export type EntryId = z.infer<typeof EntryId>;

/** The id of one incarnation of a blog's event log; changes when the log is created anew. */
export const Epoch = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an epoch');
export type Epoch = z.infer<typeof Epoch>;

/** ISO-8601 UTC timestamp with milliseconds, as produced by `Date#toISOString`. */
export const Timestamp = z.iso.datetime();
export type Timestamp = z.infer<typeof Timestamp>;
