import * as z from 'zod';
import { LIMITS } from '../limits.js';
import { BlogId, Timestamp } from './ids.js';

export const BlogStatus = z.enum(['live', 'ended']);
export type BlogStatus = z.infer<typeof BlogStatus>;

const Title = z.string().trim().min(1, 'must not be empty').max(LIMITS.titleMaxLength);
const KeyPoint = z.string().trim().min(1, 'must not be empty').max(LIMITS.keyPointMaxLength);
const KeyPoints = z.array(KeyPoint).max(LIMITS.keyPointsMax);

/** A live blog's header: what sits above the stream of entries. */
export const Blog = z.object({
  id: BlogId,
  title: Title,
  keyPoints: KeyPoints,
  status: BlogStatus,
  coverageStartTime: Timestamp,
  coverageEndTime: Timestamp.optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Blog = z.infer<typeof Blog>;

/** `POST /api/blogs` body. */
export const BlogCreateInput = z.strictObject({
  id: BlogId.optional(),
  title: Title,
  keyPoints: KeyPoints.optional(),
});
export type BlogCreateInput = z.infer<typeof BlogCreateInput>;

/** `PATCH /api/blogs/:blogId` body: any of title, key points, status. */
export const BlogPatchInput = z
  .strictObject({
    title: Title.optional(),
    keyPoints: KeyPoints.optional(),
    status: BlogStatus.optional(),
  })
  .refine((p) => p.title !== undefined || p.keyPoints !== undefined || p.status !== undefined, {
    message: 'give at least one of title, keyPoints, status',
  });
export type BlogPatchInput = z.infer<typeof BlogPatchInput>;
