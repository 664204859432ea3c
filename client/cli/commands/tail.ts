import * as z from 'zod';
import { BlogId, LIMITS, type BlogEvent } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, parseFlags, parsePositional } from '../args.js';
import { fetchPage } from '../blog-pages.js';
import type { Command } from '../command.js';
import { CliError, usageError } from '../failure.js';
import { say, warn } from '../io.js';
import { connectionNotes } from '../connection-notes.js';
import { changeLine, eventLine, headline, streamLine } from '../output.js';
import { onStopSignal } from '../stop-signal.js';

const TailFlags = z.object({
  json: z.boolean().default(false),
  history: z.coerce.number({ error: 'must be a number' }).int().min(1).max(LIMITS.pageSizeMax).optional(),
});

/** `tail <blogId> [--json] [--history N]`: every update as it arrives, until Ctrl+C. */
export const tail: Command = {
  name: 'tail',
  summary: 'print each update of a blog as it arrives, until Ctrl+C',
  usage: 'tail <blogId> [--json] [--history N]',
  help: [
    'Prints one line per update: HH:MM:SS  created|updated|deleted|blog  <entryId>  <title or first line>.',
    'After a lost connection it catches up: no update is missed or printed twice.',
    '--history N      first print the latest N entries (up to 200), oldest first',
    '--json           print each event as one JSON line (a BlogEvent), for scripts',
  ],
  options: { json: { type: 'boolean' }, history: { type: 'string' } },
  async run(input) {
    const [rawId] = expectPositionals(input.positionals, ['blogId'], this.name);
    const blogId = parsePositional(BlogId, rawId, 'blogId', this.name);
    const flags = parseFlags(TailFlags, input.values, this.name);
    // history entries are no events: as JSON they would pass for ones with made-up positions
    if (flags.json && flags.history !== undefined) throw usageError('--history prints text lines; it cannot be combined with --json', this.name);
    const { io } = input;
    const api = apiFor(input, { token: 'none' });
    // the page is where the stream starts: the live client asks for every event after it
    const page = await fetchPage(api, blogId, flags.history ?? 1);
    if (flags.history !== undefined) {
      for (const entry of [...page.entries].reverse()) say(io, streamLine(entry.createdAt, 'created', entry.id, headline(entry)));
    }
    // on stderr, so that stdout carries only updates; it also tells a script the stream has started
    warn(io, `following blog "${blogId}" at ${api.url} (Ctrl+C stops)`);
    const print = (event: BlogEvent, line: string): void => say(io, flags.json ? JSON.stringify(event) : line);
    // Loaded here, not at start: the live client (socket.io-client, ws) is most of the CLI's start-up time.
    const { followBlog } = await import('../live-follow.js');

    return new Promise<number>((resolve, reject) => {
      const finish = (code: number, error?: CliError): void => {
        release();
        following.close();
        if (error === undefined) resolve(code);
        else reject(error);
      };
      const following = followBlog(api.url, page, {
        event: (event, previous) => print(event, eventLine(event, previous)),
        reset: (changes, complete) => {
          // JSON lines are the server's events; a reset has none to show, so it is only told
          if (flags.json) warn(io, `the server sent blog "${blogId}" anew instead of its events; ${changes.length} entries changed meanwhile`);
          else for (const change of changes) say(io, changeLine(change));
          if (!complete) warn(io, `some entries of the outage could not be fetched; "liveblog tail ${blogId} --history 200" lists the latest`);
        },
        connection: connectionNotes(api.url, (line) => warn(io, line)),
        refused: (error) => finish(1, new CliError(`the server stopped sending blog "${blogId}": ${error.message} (${error.code})`, 1)),
      });
      const release = onStopSignal(() => finish(0));
    });
  },
};
