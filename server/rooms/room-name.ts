import { BlogId } from '../../shared/index.js';

const PREFIX = 'blog:';

/** The Socket.IO room of a blog's readers on this instance. */
export function roomOf(blogId: BlogId): string {
  return `${PREFIX}${blogId}`;
}

/**
 * Whether a room is a blog's room (as `roomOf` names them), without validating the blog id:
 * for paths that run once per join, where only rooms this service made can appear.
 *
 * @example
 * isBlogRoom('blog:election-night'); // true
 * isBlogRoom('Yk3xJ2mU8pQ1AAAB'); // false
 */
export function isBlogRoom(room: string): boolean {
  return room.startsWith(PREFIX);
}

/**
 * The blog a room belongs to, or undefined for other rooms (such as each socket's own room).
 * Cheap for the common miss: every connected socket has a room of its own.
 *
 * @example
 * blogIdOfRoom('blog:election-night'); // 'election-night'
 * blogIdOfRoom('Yk3xJ2mU8pQ1AAAB'); // undefined
 */
export function blogIdOfRoom(room: string): BlogId | undefined {
  if (!isBlogRoom(room)) return undefined;
  const parsed = BlogId.safeParse(room.slice(PREFIX.length));
  return parsed.success ? parsed.data : undefined;
}
