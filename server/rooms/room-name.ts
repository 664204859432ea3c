import type { BlogId } from '../../shared/index.js';

/** The Socket.IO room of a blog's readers on this instance. */
export function roomOf(blogId: BlogId): string {
  return `blog:${blogId}`;
}
