import * as z from 'zod';
import { Entry } from '../../shared/index.js';
import { describeFailure, type ConsoleApi } from './api.js';

const ConflictDetails = z.object({ current: Entry });

/** How a quick action ended; `message` is for the editor when it did not go through. */
export type ActionOutcome = { ok: true; entry: Entry | undefined } | { ok: false; message: string; unauthenticated: boolean };

type Flag = 'pinned' | 'keyEvent';

/**
 * Sets a flag (pinned, key event) to `value`. A flag does not touch the text, so a version
 * conflict is settled without asking: if someone already set it, done; else it is set on
 * their version. Only the text of an entry needs the conflict dialog.
 *
 * @example
 * const outcome = await setFlag(api, 'storm', entry, 'pinned', true);
 */
export async function setFlag(api: Pick<ConsoleApi, 'patchEntry'>, blogId: string, entry: Entry, flag: Flag, value: boolean): Promise<ActionOutcome> {
  let version = entry.version;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const result = await api.patchEntry(blogId, entry.id, { version, [flag]: value });
    if (result.ok) return { ok: true, entry: result.value.entry };
    const failure = result.failure;
    if (failure.kind === 'refused' && failure.code === 'version_conflict') {
      const details = ConflictDetails.safeParse(failure.details);
      if (!details.success) break;
      if (details.data.current[flag] === value) return { ok: true, entry: details.data.current };
      version = details.data.current.version;
      continue;
    }
    return { ok: false, message: describeFailure(failure), unauthenticated: failure.kind === 'refused' && failure.code === 'unauthenticated' };
  }
  return { ok: false, message: 'The entry keeps changing; try again in a moment.', unauthenticated: false };
}

/**
 * Deletes an entry. Already gone counts as done.
 *
 * @example
 * if (await confirmDialog(...)) await removeEntry(api, 'storm', entry.id);
 */
export async function removeEntry(api: Pick<ConsoleApi, 'deleteEntry'>, blogId: string, entryId: string): Promise<ActionOutcome> {
  const result = await api.deleteEntry(blogId, entryId);
  if (result.ok) return { ok: true, entry: undefined };
  const failure = result.failure;
  if (failure.kind === 'refused' && failure.code === 'entry_not_found') return { ok: true, entry: undefined };
  return { ok: false, message: describeFailure(failure), unauthenticated: failure.kind === 'refused' && failure.code === 'unauthenticated' };
}
