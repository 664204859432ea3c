import type { BlogId } from '../../shared/index.js';
import { checkReport, type PresenceStore } from './presence-store.js';

interface Report {
  count: number;
  expiresAt: number;
}

/**
 * The in-memory twin of `RedisPresenceStore`, for the embedded single-process mode (and for
 * several `Presence` objects in one test process): the same replace, withdraw and expiry rules.
 *
 * @example
 * const store = new MemoryPresenceStore();
 * await store.report('instance-a', new Map([['storm', 3]]), 9_000); // Map { 'storm' => 3 }
 */
export class MemoryPresenceStore implements PresenceStore {
  private readonly blogs = new Map<BlogId, Map<string, Report>>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  async report(instanceId: string, counts: ReadonlyMap<BlogId, number>, ttlMs: number): Promise<Map<BlogId, number>> {
    checkReport(instanceId, counts, ttlMs);
    const now = this.now();
    const totals = new Map<BlogId, number>();
    for (const [blogId, count] of counts) {
      let reports = this.blogs.get(blogId);
      if (reports === undefined) {
        reports = new Map();
        this.blogs.set(blogId, reports);
      }
      if (count > 0) reports.set(instanceId, { count, expiresAt: now + ttlMs });
      else reports.delete(instanceId);

      let total = 0;
      for (const [id, report] of reports) {
        if (report.expiresAt <= now) reports.delete(id);
        else total += report.count;
      }
      if (reports.size === 0) this.blogs.delete(blogId);
      totals.set(blogId, total);
    }
    return totals;
  }
}
