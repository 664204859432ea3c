import type { Entry } from '../../shared/index.js';
import type { BlogState } from '../state/index.js';

/** One entry that differs between two states of a blog. */
export type EntryChange =
  | { action: 'created'; entry: Entry }
  | { action: 'updated'; entry: Entry }
  | { action: 'deleted'; entry: Entry };

/**
 * What changed between the state before a reset and the snapshot after it, oldest first:
 * the server sends a reset instead of events when its log was recreated or we were too far
 * behind, and a follower must still print every update. Entry ids sort by creation time, so
 * an unknown id newer than every known one was created meanwhile, while an older unknown one
 * is merely outside the pages loaded before.
 *
 * @example
 * for (const change of diffStates(before, after)) print(change.action, change.entry);
 */
export function diffStates(before: BlogState, after: BlogState): EntryChange[] {
  const newestKnown = newestId(before.entries.keys());
  const oldestHeld = minId(after.entries.keys());
  const changes: EntryChange[] = [];
  for (const entry of after.entries.values()) {
    const old = before.entries.get(entry.id);
    if (old === undefined) {
      if (newestKnown === undefined || entry.id > newestKnown) changes.push({ action: 'created', entry });
    } else if (entry.version !== old.version || entry.updatedAt !== old.updatedAt) {
      changes.push({ action: 'updated', entry });
    }
  }
  for (const entry of before.entries.values()) {
    if (after.entries.has(entry.id)) continue;
    // an entry older than the new snapshot's pages may still exist; only inside them is absence a delete
    const covered = after.olderCursor === null || (oldestHeld !== undefined && entry.id >= oldestHeld);
    if (covered) changes.push({ action: 'deleted', entry });
  }
  return changes.sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0));
}

/**
 * The greatest of the ids: entry ids sort by creation time.
 *
 * @example
 * newestId(state.entries.keys());
 */
export function newestId(ids: Iterable<string>): string | undefined {
  let max: string | undefined;
  for (const id of ids) if (max === undefined || id > max) max = id;
  return max;
}

function minId(ids: Iterable<string>): string | undefined {
  let min: string | undefined;
  for (const id of ids) if (min === undefined || id < min) min = id;
  return min;
}
