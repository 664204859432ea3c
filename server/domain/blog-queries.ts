import type { Blog, BlogId, BlogPage, BlogPageQuery, CatchUp, EventsQuery } from '../../shared/index.js';
import type { EventStore } from '../store/event-store.js';
import { blogNotFound } from './blog-commands.js';

/** Entries in the snapshot of a catch-up reset: the reader's first page. */
export const CATCH_UP_PAGE_SIZE = 50;
/** Beyond this many missed events a reader gets a fresh snapshot instead of the backlog. */
export const CATCH_UP_MAX_EVENTS = 1000;

/**
 * All blogs, newest first.
 *
 * @example
 * const blogs = await listBlogs(store);
 */
export function listBlogs(store: EventStore): Promise<Blog[]> {
  return store.listBlogs();
}

/**
 * One page of a blog, newest entries first, with the exact position it reflects.
 * Throws AppError `blog_not_found`.
 *
 * @example
 * const page = await blogPage(store, 'election-night', { limit: 50 });
 */
export async function blogPage(store: EventStore, blogId: BlogId, query: BlogPageQuery): Promise<BlogPage> {
  const page = await store.snapshot(blogId, query.cursor === undefined ? { limit: query.limit } : query);
  if (page === null) throw blogNotFound(blogId);
  return page;
}

/**
 * What a reader at (`epoch`, `after`) missed, or a reset with a fresh first page.
 * Throws AppError `blog_not_found`.
 *
 * @example
 * const catchUp = await eventsAfter(store, 'election-night', { epoch: 'Xb3', after: 41 });
 */
export async function eventsAfter(store: EventStore, blogId: BlogId, from: EventsQuery): Promise<CatchUp> {
  const catchUp = await store.readEvents(blogId, from, { pageSize: CATCH_UP_PAGE_SIZE, maxEvents: CATCH_UP_MAX_EVENTS });
  if (catchUp === null) throw blogNotFound(blogId);
  return catchUp;
}
