import type { BlogCreateInput, BlogId, BlogPatchInput, EntryCreateInput, EntryId, EntryPatchInput, Position } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import type { EventStore, Replicated } from '../store/event-store.js';
import { createBlog, updateBlog, type BlogWritten } from './blog-commands.js';
import type { CommandDeps } from './command-deps.js';
import { createEntry, deleteEntry, updateEntry, type EntryCreated, type EntryWritten } from './entry-commands.js';

/**
 * The write rules of the service, in one place for the REST layer (and any future CLI).
 * Inputs are already-parsed shared schema types; failures are thrown as AppError.
 */
export interface BlogService {
  createBlog(input: BlogCreateInput, principal: Principal): Promise<BlogWritten>;
  updateBlog(blogId: BlogId, patch: BlogPatchInput): Promise<BlogWritten>;
  createEntry(blogId: BlogId, input: EntryCreateInput, principal: Principal, idempotencyKey?: string): Promise<EntryCreated>;
  updateEntry(blogId: BlogId, entryId: EntryId, patch: EntryPatchInput, principal: Principal): Promise<EntryWritten>;
  deleteEntry(blogId: BlogId, entryId: EntryId): Promise<{ position: Position } & Replicated>;
}

/**
 * @example
 * const blogs = createBlogService({ store, render: renderer.render });
 * const { blog, position } = await blogs.createBlog({ title: 'Election night' }, principal);
 */
export function createBlogService(options: { store: EventStore; render: CommandDeps['render']; now?: () => Date }): BlogService {
  const deps: CommandDeps = { store: options.store, render: options.render, now: options.now ?? (() => new Date()) };
  return {
    createBlog: (input, principal) => createBlog(deps, input, principal),
    updateBlog: (blogId, patch) => updateBlog(deps, blogId, patch),
    createEntry: (blogId, input, principal, idempotencyKey) => createEntry(deps, blogId, input, principal, idempotencyKey),
    updateEntry: (blogId, entryId, patch, principal) => updateEntry(deps, blogId, entryId, patch, principal),
    deleteEntry: (blogId, entryId) => deleteEntry(deps, blogId, entryId),
  };
}
