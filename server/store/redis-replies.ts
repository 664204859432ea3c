import { Blog, Cursor, Entry, Position, type Snapshot } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';

/**
 * Decoding of the store scripts' replies. A script answers with a flat array whose first
 * element is a closed tag; everything read back is checked, because Redis may hold values
 * written by an older version, by hand, or half-evicted.
 */
export type Reply = { tag: string; at: (i: number) => unknown; length: number };

/**
 * @example
 * const reply = readReply(await run('position', keys, args)); // reply.tag === 'ok'
 */
export function readReply(raw: unknown): Reply {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw malformed('a tagged array', raw);
  const items: unknown[] = raw;
  return { tag: raw[0], at: (i) => items[i], length: items.length };
}

/**
 * The string at index `i`.
 *
 * @example
 * const storedJson = replyString(reply, 1);
 */
export function replyString(reply: Reply, i: number): string {
  const value = reply.at(i);
  if (typeof value !== 'string') throw malformed(`a string at ${i}`, value);
  return value;
}

/**
 * The position held at indexes `i` (epoch) and `i + 1` (seq).
 *
 * @example
 * const position = replyPosition(reply, 1);
 */
export function replyPosition(reply: Reply, i: number): Position {
  const parsed = Position.safeParse({ epoch: reply.at(i), seq: reply.at(i + 1) });
  if (!parsed.success) throw malformed(`a position at ${i}`, [reply.at(i), reply.at(i + 1)]);
  return parsed.data;
}

/**
 * Parses one stored JSON value; null (and an error log naming the value) when it is unreadable,
 * so one corrupt value costs one item, not the request or the process.
 *
 * @example
 * const entry = parseStored(Entry, json, log, { entry: id });
 */
export function parseStored<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } },
  json: string,
  log: Logger,
  what: Record<string, unknown>,
): T | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    log.error({ ...what, err }, 'stored value is not JSON; skipping it');
    return null;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  log.error({ ...what, err: parsed.error }, 'stored value does not match its schema; skipping it');
  return null;
}

/**
 * A page laid out as `blogJson, nextCursor ('' = none), entryJson...` from index `i`.
 * Throws `internal` when the blog header itself is unreadable; skips unreadable entries.
 *
 * @example
 * const snapshot = replyPage(reply, 3, log, blogId);
 */
export function replyPage(reply: Reply, i: number, log: Logger, blogId: string): Snapshot {
  const blog = parseStored(Blog, replyString(reply, i), log, { blogId, value: 'blog' });
  if (blog === null) throw corruptBlog(blogId);
  const cursor = replyString(reply, i + 1);
  const entries: Entry[] = [];
  for (let k = i + 2; k < reply.length; k += 1) {
    const json = replyString(reply, k);
    if (json === '') {
      log.error({ blogId }, 'entry listed in the order but missing from the entries hash; skipping it');
      continue;
    }
    const entry = parseStored(Entry, json, log, { blogId, value: 'entry' });
    if (entry !== null) entries.push(entry);
  }
  if (cursor === '') return { blog, entries, nextCursor: null };
  const nextCursor = Cursor.safeParse(cursor);
  if (!nextCursor.success) throw malformed('a cursor', cursor);
  return { blog, entries, nextCursor: nextCursor.data };
}

/**
 * The error answered for a blog whose stored header cannot be read.
 *
 * @example
 * if (blog === null) throw corruptBlog(blogId);
 */
export function corruptBlog(blogId: string): AppError {
  return new AppError('internal', `the stored state of blog "${blogId}" is unreadable`);
}

function malformed(expected: string, got: unknown): AppError {
  return new AppError('internal', 'the store answered in an unexpected shape', {
    details: { expected, got: JSON.stringify(got)?.slice(0, 200) },
  });
}
