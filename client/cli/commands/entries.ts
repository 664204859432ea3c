import * as z from 'zod';
import { BlogId, DeleteWarningResult, Entry, EntryId, EntryWriteResult, type WriteWarning } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, parsePositional } from '../args.js';
import { findEntry } from '../blog-pages.js';
import type { Command, CommandInput } from '../command.js';
import { failWith } from '../failure.js';
import { NoContent, type ApiClient, type ApiFailure } from '../http.js';
import { replicationNote } from '../publish.js';
import { say } from '../io.js';
import { headline } from '../output.js';

function target(input: CommandInput, command: string): { blogId: BlogId; entryId: EntryId } {
  const [rawBlog, rawEntry] = expectPositionals(input.positionals, ['blogId', 'entryId'], command);
  return { blogId: parsePositional(BlogId, rawBlog, 'blogId', command), entryId: parsePositional(EntryId, rawEntry, 'entryId', command) };
}

/** `delete <blogId> <entryId>` */
export const deleteEntry: Command = {
  name: 'delete',
  summary: 'delete an entry (readers see it disappear)',
  usage: 'delete <blogId> <entryId>',
  help: [],
  options: {},
  async run(input) {
    const { blogId, entryId } = target(input, this.name);
    const api = apiFor(input, { token: 'required' });
    const res = await api.request({ method: 'DELETE', path: `/api/blogs/${blogId}/entries/${entryId}`, answer: NoContent.or(DeleteWarningResult) });
    if (!res.ok) failWith(res.failure, { blogId, entryId });
    say(input.io, `deleted ${entryId} from ${blogId}${replicationNote(res.data?.replication)}`);
    return 0;
  },
};

/** `pin <blogId> <entryId>` */
export const pin: Command = {
  name: 'pin',
  summary: 'pin an entry to the top of the blog',
  usage: 'pin <blogId> <entryId>',
  help: [],
  options: {},
  run: (input) => setPinned(input, true, 'pin'),
};

/** `unpin <blogId> <entryId>` */
export const unpin: Command = {
  name: 'unpin',
  summary: 'unpin an entry',
  usage: 'unpin <blogId> <entryId>',
  help: [],
  options: {},
  run: (input) => setPinned(input, false, 'unpin'),
};

const Conflict = z.object({ current: Entry });

/**
 * Pinning changes one flag and nothing a colleague wrote, so a version conflict is settled
 * by pinning the version that won.
 */
async function setPinned(input: CommandInput, pinned: boolean, command: string): Promise<number> {
  const { blogId, entryId } = target(input, command);
  const api = apiFor(input, { token: 'required' });
  let entry = await findEntry(api, blogId, entryId);
  let note = '';
  for (let attempt = 0; entry.pinned !== pinned; attempt += 1) {
    const res = await patchPinned(api, entry, pinned);
    if (res.ok) {
      entry = res.entry;
      note = replicationNote(res.replication);
      break;
    }
    const conflict = res.failure.kind === 'refused' && res.failure.code === 'version_conflict' ? Conflict.safeParse(res.failure.details) : undefined;
    if (conflict?.success !== true || attempt >= 2) failWith(res.failure, { blogId, entryId });
    entry = conflict.data.current;
  }
  say(input.io, `${pinned ? 'pinned' : 'unpinned'} ${entryId} in ${blogId}: ${headline(entry)}${note}`);
  return 0;
}

async function patchPinned(
  api: ApiClient,
  entry: Entry,
  pinned: boolean,
): Promise<{ ok: true; entry: Entry; replication?: WriteWarning } | { ok: false; failure: ApiFailure }> {
  const res = await api.request({
    method: 'PATCH',
    path: `/api/blogs/${entry.blogId}/entries/${entry.id}`,
    body: { version: entry.version, pinned },
    answer: EntryWriteResult,
  });
  return res.ok ? { ok: true, entry: res.data.entry, replication: res.data.replication } : { ok: false, failure: res.failure };
}
