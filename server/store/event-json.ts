import { randomBytes } from 'node:crypto';
import { Blog, Entry, type BlogId, type Epoch, type EntryId } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';

/**
 * How events and stored values are serialized, shared by both stores so their bytes agree.
 *
 * An event is built once: Node writes everything but the stamp (blogId, epoch, seq) as the
 * "rest" of the JSON object, and the store's atomic step prepends the stamp by string
 * concatenation. Keys follow the order of the `BlogEvent` schema (blogId, epoch, seq, at,
 * type, payload) and stored values are canonicalized through their schema, so an event
 * parsed back and re-serialized gives the very bytes that were stored and published.
 */
export type EventPayload =
  | { type: 'entry.created' | 'entry.updated'; entryJson: string }
  | { type: 'entry.deleted'; entryId: EntryId }
  | { type: 'blog.updated'; blogJson: string };

/**
 * The unstamped remainder of an event object, starting after the stamp's trailing comma.
 *
 * @example
 * eventRest('2025-01-01T00:00:00.000Z', { type: 'entry.deleted', entryId: 'abc123' })
 * // '"at":"2025-01-01T00:00:00.000Z","type":"entry.deleted","entryId":"abc123"}'
 */
export function eventRest(at: string, payload: EventPayload): string {
  const head = `"at":${JSON.stringify(at)},"type":${JSON.stringify(payload.type)}`;
  switch (payload.type) {
    case 'entry.created':
    case 'entry.updated':
      return `${head},"entry":${payload.entryJson}}`;
    case 'entry.deleted':
      return `${head},"entryId":${JSON.stringify(payload.entryId)}}`;
    case 'blog.updated':
      return `${head},"blog":${payload.blogJson}}`;
    default:
      return payload satisfies never;
  }
}

/**
 * Prepends the stamp, exactly as the Lua scripts do (`blogId` and `epoch` are slugs, so no escaping is needed).
 *
 * @example
 * stampEvent('election', 'x1', 3, eventRest(at, payload)) // '{"blogId":"election","epoch":"x1","seq":3,"at":...}'
 */
export function stampEvent(blogId: BlogId, epoch: Epoch, seq: number, rest: string): string {
  return `{"blogId":"${blogId}","epoch":"${epoch}","seq":${seq},${rest}`;
}

/**
 * A fresh epoch id; the store adopts it only when it creates a log.
 *
 * @example
 * newEpoch() // 'q3Zk0c1vT9yB'
 */
export function newEpoch(): Epoch {
  return randomBytes(9).toString('base64url');
}

/**
 * The stored form of a blog header. Re-parsing refuses values the store could not read back
 * later (a caller bug), and fixes the key order.
 *
 * @example
 * const json = blogJson(blog);
 */
export function blogJson(blog: Blog): string {
  return canonical(Blog, blog, 'blog');
}

/**
 * The stored form of an entry; see `blogJson`.
 *
 * @example
 * const json = entryJson(entry);
 */
export function entryJson(entry: Entry): string {
  return canonical(Entry, entry, 'entry');
}

function canonical<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } }, value: unknown, what: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('internal', `refusing to store an invalid ${what}`, { cause: parsed.error });
  }
  return JSON.stringify(parsed.data);
}

/**
 * A page size both stores can serve: a whole number, at least 1 (the REST edge already enforces it).
 *
 * @example
 * pageLimit(0) // 1
 */
export function pageLimit(requested: number): number {
  return Math.max(1, Math.trunc(requested) || 1);
}
