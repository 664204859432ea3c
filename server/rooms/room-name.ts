import { BlogId } from '../../shared/index.js';

const PREFIX = 'blog:';

/** The Socket.IO room of a blog's readers on this instance. */
export function roomOf(blogId: BlogId): string {
  return `${PREFIX}${blogId}`;
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
  if (!room.startsWith(PREFIX)) return undefined;
  const parsed = BlogId.safeParse(room.slice(PREFIX.length));
  return parsed.success ? parsed.data : undefined;
}
