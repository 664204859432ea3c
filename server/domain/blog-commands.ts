import type { Blog, BlogCreateInput, BlogId, BlogPatchInput, Position } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import type { Replicated } from '../store/event-store.js';
import { AppError } from '../errors/app-error.js';
import { nextTimestamp } from './clock.js';
import { assertNever, type CommandDeps } from './command-deps.js';
import { numberedSlug, slugify } from './slug.js';

/** A blog as written and the log position of that write (and `notReplicated` when too few replicas confirmed it). */
export interface BlogWritten extends Replicated {
  blog: Blog;
  position: Position;
}

/** Sequential `-2`, `-3`... candidates tried for a derived id before giving up with `blog_exists`. */
export const DERIVED_ID_ATTEMPTS = 50;
/** Concurrent PATCHes of one blog are rare; a few CAS rounds settle them. */
export const BLOG_CAS_ATTEMPTS = 5;

/**
 * Creates a live blog. An explicit `input.id` must be free (`blog_exists` otherwise). Without one,
 * the id is the slugified title; when that is taken the next free of `slug-2`, `slug-3`... is used,
 * because an editor who only typed a title expects a blog, not an error about an id they never chose.
 * Taking the id is the store's atomic create, so two concurrent creates never share an id.
 *
 * @example
 * const { blog } = await createBlog(deps, { title: 'Election night' }, principal); // blog.id === 'election-night'
 */
export async function createBlog(deps: CommandDeps, input: BlogCreateInput, _principal: Principal): Promise<BlogWritten> {
  const at = deps.now().toISOString();
  const candidates = input.id !== undefined ? [input.id] : derivedIds(slugify(input.title));
  for (const id of candidates) {
    const blog: Blog = {
      id,
      title: input.title,
      keyPoints: input.keyPoints ?? [],
      status: 'live',
      coverageStartTime: at,
      createdAt: at,
      updatedAt: at,
    };
    const outcome = await deps.store.createBlog(blog);
    if (outcome.ok) return { blog, position: outcome.position, notReplicated: outcome.notReplicated };
    switch (outcome.reason) {
      case 'exists':
        continue;
      default:
        return assertNever(outcome.reason);
    }
  }
  const which = input.id ?? slugify(input.title);
  throw new AppError('blog_exists', `a blog with id "${which}" already exists`, { details: { id: which } });
}

function derivedIds(slug: string): string[] {
  return Array.from({ length: DERIVED_ID_ATTEMPTS }, (_, i) => numberedSlug(slug, i + 1));
}

/**
 * Applies a header patch with compare-and-set on `updatedAt`, re-reading and re-merging on a
 * concurrent change so no editor's field is lost. Ending sets `coverageEndTime`; going live again clears it.
 *
 * @example
 * await updateBlog(deps, 'election-night', { status: 'ended' });
 */
export async function updateBlog(deps: CommandDeps, blogId: BlogId, patch: BlogPatchInput): Promise<BlogWritten> {
  let current = await deps.store.getBlog(blogId);
  for (let attempt = 0; attempt < BLOG_CAS_ATTEMPTS; attempt++) {
    if (current === null) throw blogNotFound(blogId);
    const next = mergeBlog(current, patch, nextTimestamp(deps.now(), current.updatedAt));
    const outcome = await deps.store.updateBlog(next, current.updatedAt);
    if (outcome.ok) return { blog: next, position: outcome.position, notReplicated: outcome.notReplicated };
    switch (outcome.reason) {
      case 'not_found':
        throw blogNotFound(blogId);
      case 'changed':
        current = outcome.current;
        continue;
      default:
        return assertNever(outcome);
    }
  }
  throw new AppError('version_conflict', `blog "${blogId}" kept changing during the update; retry`, {
    details: { current },
  });
}

/**
 * The blog after a patch, stamped `updatedAt`.
 *
 * @example
 * mergeBlog(blog, { status: 'ended' }, '2024-05-01T20:00:00.000Z').coverageEndTime; // '2024-05-01T20:00:00.000Z'
 */
export function mergeBlog(current: Blog, patch: BlogPatchInput, updatedAt: string): Blog {
  const status = patch.status ?? current.status;
  const next: Blog = {
    ...current,
    title: patch.title ?? current.title,
    keyPoints: patch.keyPoints ?? current.keyPoints,
    status,
    updatedAt,
  };
  switch (status) {
    case 'ended':
      // ending an already ended blog keeps the original end of coverage
      next.coverageEndTime = current.status === 'ended' ? (current.coverageEndTime ?? updatedAt) : updatedAt;
      break;
    case 'live':
      delete next.coverageEndTime;
      break;
    default:
      return assertNever(status);
  }
  return next;
}

/**
 * @example
 * throw blogNotFound('election-night');
 */
export function blogNotFound(blogId: BlogId): AppError {
  return new AppError('blog_not_found', `no blog "${blogId}"`);
}
