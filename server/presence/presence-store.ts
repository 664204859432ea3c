import type { BlogId } from '../../shared/index.js';

/**
 * Where each instance reports how many readers it holds per blog, and learns the totals
 * across all instances. A report replaces the instance's previous count of each reported blog;
 * a count of 0 withdraws it. Counts not refreshed within `ttlMs` stop counting, so an instance
 * that died without saying goodbye drops out by itself.
 * Implemented over Redis (shared by every instance) and in memory (one process).
 */
export interface PresenceStore {
  /**
   * Stores this instance's counts and returns the total across live instances for each
   * reported blog. Throws `AppError('store_unavailable')` when the store cannot be reached.
   */
  report(instanceId: string, counts: ReadonlyMap<BlogId, number>, ttlMs: number): Promise<Map<BlogId, number>>;
}

/**
 * The Redis hash of a blog's reader counts: field instanceId → `count:expiresAtMs`.
 * Shares the blog's hash tag, like every other key of the blog.
 *
 * @example
 * readersKey('election-night'); // 'lb:{election-night}:readers'
 */
export function readersKey(blogId: BlogId): string {
  return `lb:{${blogId}}:readers`;
}

/**
 * Rejects a report no caller should make (a bug, not a runtime condition): negative or
 * fractional counts, a non-positive TTL, an empty instance id.
 *
 * @example
 * checkReport('instance-a', new Map([['storm', -1]]), 9_000); // throws RangeError
 */
export function checkReport(instanceId: string, counts: ReadonlyMap<BlogId, number>, ttlMs: number): void {
  if (instanceId === '') throw new RangeError('presence report without an instance id');
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`presence TTL must be a positive integer of ms, got ${ttlMs}`);
  for (const [blogId, count] of counts) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`reader count of "${blogId}" must be a whole number ≥ 0, got ${count}`);
  }
}
