import {
  EditedEntryRules,
  type BlogId,
  type Entry,
  type EntryCreateInput,
  type EntryId,
  type EntryPatchInput,
  type Position,
} from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import type { Replicated } from '../store/event-store.js';
import { AppError } from '../errors/app-error.js';
import { blogNotFound } from './blog-commands.js';
import { nextTimestamp } from './clock.js';
import { assertNever, type CommandDeps } from './command-deps.js';
import { fingerprintOf } from './fingerprint.js';
import { newEntryId } from './ids.js';
import { parseWith } from './validation.js';

/** An entry as written and the log position of that write (and `notReplicated` when too few replicas confirmed it). */
export interface EntryWritten extends Replicated {
  entry: Entry;
  position: Position;
}

/** A create's result; `replayed` when an idempotency key returned the entry first created under it. */
export interface EntryCreated extends EntryWritten {
  replayed: boolean;
}

/**
 * Adds an entry written by `principal` (the author always comes from the token). With an
 * idempotency key, a retry of the same request returns the same entry instead of a duplicate.
 *
 * @example
 * const { entry } = await createEntry(deps, 'election-night', EntryCreateInput.parse({ body: 'Polls close' }), principal, 'k-1');
 */
export async function createEntry(
  deps: CommandDeps,
  blogId: BlogId,
  input: EntryCreateInput,
  principal: Principal,
  idempotencyKey?: string,
): Promise<EntryCreated> {
  const at = deps.now();
  const iso = at.toISOString();
  const entry: Entry = withoutUndefined({
    id: newEntryId(at.getTime()),
    blogId,
    kind: input.kind,
    title: input.title,
    body: input.body,
    html: await deps.render(input.body),
    attribution: input.attribution,
    media: input.media,
    keyEvent: input.keyEvent,
    pinned: input.pinned,
    author: { name: principal.name },
    createdAt: iso,
    updatedAt: iso,
    version: 1,
  });
  const idempotency = idempotencyKey === undefined ? undefined : { key: idempotencyKey, fingerprint: fingerprintOf(input) };
  const outcome = await deps.store.createEntry(entry, idempotency);
  if (outcome.ok) return { entry: outcome.entry, position: outcome.position, replayed: outcome.replayed, notReplicated: outcome.notReplicated };
  switch (outcome.reason) {
    case 'blog_not_found':
      throw blogNotFound(blogId);
    case 'blog_ended':
      throw new AppError('blog_ended', `blog "${blogId}" has ended; set its status to "live" to add entries`);
    case 'idempotency_key_reused':
      throw new AppError(
        'idempotency_key_reused',
        'this Idempotency-Key was already used for a different request; use a new key for a new entry',
      );
    default:
      return assertNever(outcome.reason);
  }
}

/**
 * Edits an entry if the editor saw its latest version (`patch.version`); otherwise 409
 * `version_conflict` with the current entry in `details.current`, so the console can show
 * what changed. `null` clears an optional field; a changed body is rendered again.
 * The author stays the original one; `_principal` is the editor, kept for auditing.
 *
 * @example
 * await updateEntry(deps, 'election-night', entry.id, { version: 1, pinned: true }, principal);
 */
export async function updateEntry(
  deps: CommandDeps,
  blogId: BlogId,
  entryId: EntryId,
  patch: EntryPatchInput,
  _principal: Principal,
): Promise<EntryWritten> {
  const current = await deps.store.getEntry(blogId, entryId);
  if (current === null) throw await entryOrBlogNotFound(deps, blogId, entryId);
  if (patch.version !== current.version) throw versionConflict(current);
  const html = patch.body === undefined || patch.body === current.body ? current.html : await deps.render(patch.body);
  const next = mergeEntry(current, patch, nextTimestamp(deps.now(), current.updatedAt), html);
  parseWith(EditedEntryRules, next, 'entry after the edit');
  const outcome = await deps.store.updateEntry(next);
  if (outcome.ok) return { entry: next, position: outcome.position, notReplicated: outcome.notReplicated };
  switch (outcome.reason) {
    case 'blog_not_found':
      throw blogNotFound(blogId);
    case 'entry_not_found':
      throw entryNotFound(blogId, entryId);
    case 'version_conflict':
      throw versionConflict(outcome.current);
    default:
      return assertNever(outcome);
  }
}

/**
 * Removes an entry; readers get an `entry.deleted`.
 *
 * @example
 * await deleteEntry(deps, 'election-night', entry.id);
 */
export async function deleteEntry(deps: CommandDeps, blogId: BlogId, entryId: EntryId): Promise<{ position: Position } & Replicated> {
  const outcome = await deps.store.deleteEntry(blogId, entryId);
  if (outcome.ok) return { position: outcome.position, notReplicated: outcome.notReplicated };
  switch (outcome.reason) {
    case 'blog_not_found':
      throw blogNotFound(blogId);
    case 'entry_not_found':
      throw entryNotFound(blogId, entryId);
    default:
      return assertNever(outcome.reason);
  }
}

/**
 * The entry after a patch: undefined keeps a field, null clears it, a value replaces it.
 * The version goes up by one; `html` is the rendering of the resulting body.
 *
 * @example
 * mergeEntry(entry, { version: 1, title: null }, now, entry.html).title; // undefined
 */
export function mergeEntry(current: Entry, patch: EntryPatchInput, updatedAt: string, html: string): Entry {
  return withoutUndefined({
    ...current,
    kind: patch.kind ?? current.kind,
    title: patch.title === null ? undefined : (patch.title ?? current.title),
    body: patch.body ?? current.body,
    html,
    attribution: patch.attribution === null ? undefined : (patch.attribution ?? current.attribution),
    media: patch.media === null ? undefined : (patch.media ?? current.media),
    keyEvent: patch.keyEvent ?? current.keyEvent,
    pinned: patch.pinned ?? current.pinned,
    correction: patch.correction === null ? undefined : (patch.correction ?? current.correction),
    updatedAt,
    version: current.version + 1,
  });
}

function versionConflict(current: Entry): AppError {
  return new AppError(
    'version_conflict',
    `entry "${current.id}" is at version ${current.version}; reload it and apply your edit again`,
    { details: { current } },
  );
}

function entryNotFound(blogId: BlogId, entryId: EntryId): AppError {
  return new AppError('entry_not_found', `no entry "${entryId}" in blog "${blogId}"`);
}

async function entryOrBlogNotFound(deps: CommandDeps, blogId: BlogId, entryId: EntryId): Promise<AppError> {
  const blog = await deps.store.getBlog(blogId);
  return blog === null ? blogNotFound(blogId) : entryNotFound(blogId, entryId);
}

/** Drops undefined properties so stored and returned entries never carry `"title": undefined` keys. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
