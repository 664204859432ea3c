import type { Blog, BlogId, Cursor, Entry, EntryId, Position, Snapshot } from '../../shared/index.js';

/**
 * One blog as a reader sees it. Immutable: every reducer returns a new object
 * (or the same one when nothing changed), so a UI can compare by reference.
 */
export interface BlogState {
  readonly blogId: BlogId;
  /** The header, as of `position`. */
  readonly blog: Blog;
  readonly entries: ReadonlyMap<EntryId, Entry>;
  /**
   * Display order, newest first, exactly as the server pages it: the loaded pages
   * (snapshot, entries created since, older pages merged), then the `unpaged` entries.
   */
  readonly order: readonly EntryId[];
  /**
   * Entries known only from an `entry.updated` (e.g. an old entry pinned by an editor):
   * they are older than every loaded page, so they wait at the end of `order`
   * until the older page that holds them is merged.
   */
  readonly unpaged: ReadonlySet<EntryId>;
  /** Entries deleted in this epoch, so that no late page or event brings them back. */
  readonly deleted: ReadonlySet<EntryId>;
  /** The last event applied. */
  readonly position: Position;
  /** Cursor of the next older page; null when there is none. */
  readonly olderCursor: Cursor | null;
}

export type SortDirection = 'newest' | 'oldest';

/**
 * A state built from a snapshot and the exact position it reflects (a subscribe
 * reset, or a REST `BlogPage`, which is both).
 *
 * @example
 * const page = BlogPage.parse(await (await fetch(`/api/blogs/${id}`)).json());
 * let state = fromSnapshot(page, page.position);
 */
export function fromSnapshot(snapshot: Snapshot, position: Position): BlogState {
  const entries = new Map<EntryId, Entry>();
  const order: EntryId[] = [];
  for (const entry of snapshot.entries) {
    // a page never holds an entry twice; if one did, showing it once is still right
    if (entries.has(entry.id)) continue;
    entries.set(entry.id, entry);
    order.push(entry.id);
  }
  return {
    blogId: snapshot.blog.id,
    blog: snapshot.blog,
    entries,
    order,
    unpaged: new Set(),
    deleted: new Set(),
    position: { epoch: position.epoch, seq: position.seq },
    olderCursor: snapshot.nextCursor,
  };
}

/**
 * The entries in display order. Pinned entries are not lifted: where they go is the UI's call.
 *
 * @example
 * for (const entry of sortedEntries(state, 'newest')) render(entry);
 */
export function sortedEntries(state: BlogState, direction: SortDirection): Entry[] {
  const list: Entry[] = [];
  for (const id of state.order) {
    const entry = state.entries.get(id);
    if (entry !== undefined) list.push(entry);
  }
  switch (direction) {
    case 'newest':
      return list;
    case 'oldest':
      return list.reverse();
    default:
      throw new Error(`unknown sort direction: ${String(direction satisfies never)}`);
  }
}
