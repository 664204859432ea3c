import { randomBytes } from 'node:crypto';
import { Blog, Entry, type BlogId, type EntryId } from '../../shared/index.js';

const T0 = Date.parse('2025-03-01T08:00:00.000Z');
let clock = 0;

/**
 * A valid timestamp that is later than every one handed out before (one second apart),
 * so creation order and `createdAt` order agree.
 *
 * @example
 * const createdAt = nextTimestamp();
 */
export function nextTimestamp(): string {
  clock += 1;
  return new Date(T0 + clock * 1000).toISOString();
}

/**
 * A blog id no other test uses, so tests can share one Redis.
 *
 * @example
 * const blogId = uniqueBlogId('paging'); // 'paging-k3j9x0a1'
 */
export function uniqueBlogId(prefix = 'blog'): BlogId {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * A fresh entry id (lowercase alphanumerics, as the service generates them).
 *
 * @example
 * const id = uniqueEntryId();
 */
export function uniqueEntryId(): EntryId {
  return randomBytes(10).toString('hex');
}

/**
 * A valid, live blog header (parsed, so it cannot drift from the schema).
 *
 * @example
 * const blog = makeBlog({ title: 'Budget day' });
 */
export function makeBlog(overrides: Partial<Blog> = {}): Blog {
  const now = nextTimestamp();
  return Blog.parse({
    id: uniqueBlogId(),
    title: 'Election night',
    keyPoints: [],
    status: 'live',
    coverageStartTime: now,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  });
}

/**
 * The header after an edit: the changes plus a later `updatedAt`.
 *
 * @example
 * const ended = editBlog(blog, { status: 'ended' });
 */
export function editBlog(blog: Blog, changes: Partial<Blog>): Blog {
  return Blog.parse({ ...blog, ...changes, updatedAt: nextTimestamp() });
}

/**
 * A valid text entry of the blog, version 1.
 *
 * @example
 * const entry = makeEntry(blog.id, { body: 'Polls close' });
 */
export function makeEntry(blogId: BlogId, overrides: Partial<Entry> = {}): Entry {
  const now = nextTimestamp();
  const id = overrides.id ?? uniqueEntryId();
  return Entry.parse({
    id,
    blogId,
    kind: 'text',
    body: `body of ${id}`,
    html: `<p>body of ${id}</p>`,
    keyEvent: false,
    pinned: false,
    author: { name: 'Desk' },
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  });
}

/**
 * The entry after an edit: the changes, the next version and a later `updatedAt`.
 *
 * @example
 * const v2 = editEntry(entry, { body: 'Polls closed' });
 */
export function editEntry(entry: Entry, changes: Partial<Entry> = {}): Entry {
  return Entry.parse({ ...entry, ...changes, version: entry.version + 1, updatedAt: nextTimestamp() });
}
