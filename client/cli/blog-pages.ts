import { BlogPage, LIMITS, type BlogId, type Entry, type EntryId } from '../../shared/index.js';
import { CliError, failWith } from './failure.js';
import type { ApiClient } from './http.js';

/** Pages looked through for one entry before giving up: 100 × 200 entries. */
const MAX_PAGES = 100;

/**
 * The newest `limit` entries of a blog with the exact position they reflect.
 *
 * @example
 * const page = await fetchPage(api, 'storm', 20);
 */
export async function fetchPage(api: ApiClient, blogId: BlogId, limit: number, cursor?: string): Promise<BlogPage> {
  const query = `limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
  const res = await api.request({ method: 'GET', path: `/api/blogs/${blogId}?${query}`, answer: BlogPage });
  if (!res.ok) failWith(res.failure, { blogId });
  return res.data;
}

/**
 * The current version of one entry, paging back through the blog (there is no single-entry read).
 *
 * @example
 * const entry = await findEntry(api, 'storm', 'lx2k9a0qf3k9d0s8a1b2c');
 * entry.version; // 3
 */
export async function findEntry(api: ApiClient, blogId: BlogId, entryId: EntryId): Promise<Entry> {
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const page = await fetchPage(api, blogId, LIMITS.pageSizeMax, cursor);
    const found = page.entries.find((e) => e.id === entryId);
    if (found !== undefined) return found;
    // no early stop by id: ids carry the writing instance's clock, pages the store's creation order
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  throw new CliError(
    `entry "${entryId}" not found in blog "${blogId}"; was it deleted? "liveblog tail ${blogId} --history 20" shows the latest ids.`,
    1,
  );
}
