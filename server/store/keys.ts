import type { BlogId } from '../../shared/index.js';

/**
 * The global index of blogs (zset, score = createdAt in ms). It spans every blog, so it
 * lives outside the per-blog hash tag and is written by its own idempotent ZADD.
 */
export const BLOG_INDEX_KEY = 'lb:blogs';

/** The keys of one blog. They share the hash tag `{blogId}`, so one script may touch them all on a cluster. */
export interface BlogKeys {
  /** string: the blog header JSON */
  blog: string;
  /** hash: `epoch`, `seq` (last event), `ord` (last entry order number) */
  meta: string;
  /** hash: entry id -> entry JSON */
  entries: string;
  /** zset: entry id scored by its order number (the page cursor) */
  order: string;
  /** stream: the capped event log, entry ids `<seq>-0`, field `e` = event JSON */
  log: string;
}

/**
 * @example
 * blogKeys('election').meta // 'lb:{election}:meta'
 */
export function blogKeys(blogId: BlogId): BlogKeys {
  const prefix = `lb:{${blogId}}:`;
  return {
    blog: `${prefix}blog`,
    meta: `${prefix}meta`,
    entries: `${prefix}entries`,
    order: `${prefix}order`,
    log: `${prefix}log`,
  };
}

/**
 * Where a create-entry idempotency record lives (hash `fp`, `entry`, 24 h TTL).
 *
 * @example
 * idempotencyKey('election', 'a1b2') // 'lb:{election}:idem:a1b2'
 */
export function idempotencyKey(blogId: BlogId, key: string): string {
  return `lb:{${blogId}}:idem:${key}`;
}

/** How long an idempotency key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
