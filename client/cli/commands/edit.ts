import * as z from 'zod';
import { BlogId, Entry, EntryId, EntryPatchInput, EntryWriteResult } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, parseFlags, parsePositional } from '../args.js';
import { findEntry } from '../blog-pages.js';
import { bodySource, readBody, type BodySource } from '../body-input.js';
import type { Command, CommandInput } from '../command.js';
import { CliError, failWith, usageError } from '../failure.js';
import type { ApiFailure } from '../http.js';
import { replicationNote } from '../publish.js';
import { say } from '../io.js';
import { firstLine, headline, truncate } from '../output.js';

const EditFlags = z.object({
  file: z.string().optional(),
  title: z.string().optional(),
  correction: z.string().optional(),
  version: z.coerce.number({ error: 'must be a number' }).int().min(1).optional(),
  'key-event': z.boolean().optional(),
});

const Conflict = z.object({ current: Entry });

/** `edit <blogId> <entryId> [text…]`: changes an entry without overwriting a colleague's edit. */
export const edit: Command = {
  name: 'edit',
  summary: "change an entry's text, subheading, correction note or key-event flag",
  usage: 'edit <blogId> <entryId> [text…] [--file F] [--title T] [--correction C] [--key-event|--no-key-event] [--version N]',
  help: [
    'text…              the new text (Markdown); without it and --file, stdin is read when piped',
    '--file F           read the new text from file F ("-" for stdin)',
    '--title T          a new subheading ("" removes it)',
    '--correction C     a correction note shown to readers ("" removes it)',
    '--key-event        mark as key event; --no-key-event unmarks it',
    '--version N        the version you are editing: if someone changed the entry since, nothing',
    '                   is overwritten. Default: the current version, read just before',
  ],
  options: {
    file: { type: 'string' },
    title: { type: 'string' },
    correction: { type: 'string' },
    version: { type: 'string' },
    'key-event': { type: 'boolean' },
  },
  async run(input) {
    const [rawBlog, rawEntry, ...words] = expectPositionals(input.positionals, ['blogId', 'entryId'], this.name, true);
    const blogId = parsePositional(BlogId, rawBlog, 'blogId', this.name);
    const entryId = parsePositional(EntryId, rawEntry, 'entryId', this.name);
    const flags = parseFlags(EditFlags, input.values, this.name);
    const api = apiFor(input, { token: 'required' });

    const changes = {
      ...(flags.title === undefined ? {} : { title: clearable(flags.title) }),
      ...(flags.correction === undefined ? {} : { correction: clearable(flags.correction) }),
      ...(flags['key-event'] === undefined ? {} : { keyEvent: flags['key-event'] }),
    };
    const body = await newBody(input, bodySource(words, flags.file, this.name), Object.keys(changes).length > 0);
    if (body === undefined && Object.keys(changes).length === 0) {
      throw usageError('nothing to change: give the new text, --title, --correction or --key-event', this.name);
    }
    const version = flags.version ?? (await findEntry(api, blogId, entryId)).version;
    const patch = parseFlags(EntryPatchInput, { version, ...changes, ...(body === undefined ? {} : { body }) }, this.name);

    const res = await api.request({ method: 'PATCH', path: `/api/blogs/${blogId}/entries/${entryId}`, body: patch, answer: EntryWriteResult });
    if (!res.ok) conflictOr(res.failure, blogId, entryId);
    say(input.io, `edited ${entryId} in ${blogId} (now version ${res.data.entry.version})${replicationNote(res.data.replication)}`);
    return 0;
  },
};

/** `""` on the command line removes an optional field. */
function clearable(value: string): string | null {
  return value.trim() === '' ? null : value;
}

/**
 * The new text, or undefined to keep it: piped-in emptiness keeps it, and a person at a
 * terminal who only changes flags is not asked to type.
 */
async function newBody(input: CommandInput, source: BodySource, otherChanges: boolean): Promise<string | undefined> {
  if (source.from === 'stdin' && input.io.stdin.isTTY && otherChanges) return undefined;
  const body = await readBody(source, input.io);
  if (body !== '') return body;
  if (source.from === 'stdin') return undefined;
  throw usageError('the new text is empty', 'edit');
}

/** A version conflict says whose change won and how to overwrite it; anything else as usual. */
function conflictOr(failure: ApiFailure, blogId: string, entryId: string): never {
  if (failure.kind === 'refused' && failure.code === 'version_conflict') {
    const conflict = Conflict.safeParse(failure.details);
    if (conflict.success) {
      const theirs = conflict.data.current;
      throw new CliError(
        `someone else edited entry ${entryId} meanwhile: it is now version ${theirs.version}, "${truncate(firstLine(theirs.body) ?? headline(theirs), 100)}". ` +
          `Your edit was not saved; to replace their version, run the edit again with --version ${theirs.version}.`,
        1,
      );
    }
  }
  return failWith(failure, { blogId, entryId });
}
