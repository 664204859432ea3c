import type { BlogPage, Cursor } from '../../shared/index.js';
import type { BlogState } from './blog-state.js';
import { appendPage } from './entry-ops.js';

/**
 * - `merged`: the page's entries were appended below the loaded ones.
 * - `stale`: the page was not asked with the state's current `olderCursor` (a reset
 *   or another merge happened meanwhile); merging it could leave a hole, so it is ignored.
 * - `epoch-changed`: the page comes from another epoch; ignored (the live subscription resets the state).
 */
export type OlderPageOutcome = 'merged' | 'stale' | 'epoch-changed';

export interface OlderPageResult {
  state: BlogState;
  outcome: OlderPageOutcome;
}

/**
 * Merges a "load older" page (`GET /api/blogs/:blogId?cursor=...`) without touching
 * the position or the header, which only the live events move.
 *
 * @example
 * const cursor = state.olderCursor;
 * if (cursor !== null) {
 *   const page = BlogPage.parse(await (await fetch(`/api/blogs/${state.blogId}?cursor=${cursor}`)).json());
 *   state = applyOlderPage(state, page, cursor).state;
 * }
 */
export function applyOlderPage(state: BlogState, page: BlogPage, requestedWith: Cursor): OlderPageResult {
  if (page.blog.id !== state.blogId) {
    throw new RangeError(`page of blog "${page.blog.id}" merged into the state of "${state.blogId}"`);
  }
  if (page.position.epoch !== state.position.epoch) return { state, outcome: 'epoch-changed' };
  if (state.olderCursor === null || requestedWith !== state.olderCursor) return { state, outcome: 'stale' };
  const merged = appendPage(state, page.entries);
  return { state: { ...merged, olderCursor: page.nextCursor }, outcome: 'merged' };
}
