import type { Blog, Entry, EntryId } from '../../shared/index.js';
import { lastUpdatedOf, pageSections } from '../../shared/render/index.js';
import { sortedEntries, type BlogState, type SortDirection } from '../state/index.js';

/** Everything the page shows, derived from the live state alone. */
export interface ViewModel {
  blog: Blog;
  /** The stream in display order, pinned entries excluded. */
  stream: Entry[];
  /** Pinned entries, newest first. */
  pinned: Entry[];
  /** Key events, newest first. */
  keyEvents: Entry[];
  /** Every entry the page knows, each once (structured data, "last updated"). */
  known: Entry[];
  lastUpdated: string;
}

/**
 * What to show for a state. `extras` are the pinned and key-event entries the server found
 * beyond the rendered page; the state wins over them once it holds the entry (unless the
 * extra is the newer version), and a deletion removes them.
 *
 * @example
 * const view = viewModel(live.state, extras, 'newest');
 */
export function viewModel(state: BlogState, extras: ReadonlyMap<EntryId, Entry>, sort: SortDirection): ViewModel {
  const paged: Entry[] = [];
  for (const entry of sortedEntries(state, sort)) if (!state.unpaged.has(entry.id)) paged.push(newer(entry, extras.get(entry.id)));

  const others: Entry[] = [];
  for (const id of state.unpaged) {
    const entry = state.entries.get(id);
    if (entry !== undefined) others.push(newer(entry, extras.get(id)));
  }
  for (const [id, extra] of extras) {
    if (!state.entries.has(id) && !state.deleted.has(id)) others.push(extra);
  }

  const { stream, pinned, keyEvents } = pageSections(paged, others);
  const known = [...paged, ...others];
  return { blog: state.blog, stream, pinned, keyEvents, known, lastUpdated: lastUpdatedOf(state.blog, known) };
}

function newer(entry: Entry, extra: Entry | undefined): Entry {
  return extra !== undefined && extra.version > entry.version ? extra : entry;
}
