import type { Entry, EntryId } from '../../shared/index.js';
import type { BlogState } from './blog-state.js';

/**
 * Where an entry the state does not hold yet goes: `newest` for a creation
 * (nothing can be newer), `unpaged` for an update of an entry outside the loaded pages.
 */
export type Placement = 'newest' | 'unpaged';

/**
 * Stores `entry` unless it was deleted or the state already holds the same or a newer version.
 * Returns the same state object when nothing changes.
 */
export function putEntry(state: BlogState, entry: Entry, placement: Placement): BlogState {
  if (state.deleted.has(entry.id)) return state;
  const existing = state.entries.get(entry.id);
  if (existing !== undefined && existing.version >= entry.version) return state;

  const entries = new Map(state.entries);
  entries.set(entry.id, entry);
  if (existing !== undefined) return { ...state, entries };

  switch (placement) {
    case 'newest':
      return { ...state, entries, order: [entry.id, ...state.order] };
    case 'unpaged':
      return { ...state, entries, order: [...state.order, entry.id], unpaged: new Set(state.unpaged).add(entry.id) };
    default:
      throw new Error(`unknown placement: ${String(placement satisfies never)}`);
  }
}

/** Forgets the entry and remembers that it was deleted, whether or not the state held it. */
export function removeEntry(state: BlogState, entryId: EntryId): BlogState {
  const deleted = new Set(state.deleted).add(entryId);
  if (!state.entries.has(entryId)) return { ...state, deleted };
  const entries = new Map(state.entries);
  entries.delete(entryId);
  const unpaged = new Set(state.unpaged);
  unpaged.delete(entryId);
  return { ...state, entries, unpaged, deleted, order: state.order.filter((id) => id !== entryId) };
}

/**
 * Appends one older page (newest first) below the loaded pages. Entries already held
 * keep the newer version; `unpaged` entries found in the page move to their place in it;
 * deleted entries stay deleted.
 */
export function appendPage(state: BlogState, page: readonly Entry[]): BlogState {
  const entries = new Map(state.entries);
  const unpaged = new Set(state.unpaged);
  const paged = state.order.filter((id) => !state.unpaged.has(id));
  const inPaged = new Set(paged);

  for (const entry of page) {
    if (state.deleted.has(entry.id)) continue;
    const existing = entries.get(entry.id);
    if (existing === undefined || existing.version < entry.version) entries.set(entry.id, entry);
    if (inPaged.has(entry.id)) continue;
    unpaged.delete(entry.id);
    paged.push(entry.id);
    inPaged.add(entry.id);
  }
  const order = [...paged, ...state.order.filter((id) => unpaged.has(id))];
  return { ...state, entries, unpaged, order };
}
