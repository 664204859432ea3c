import { createInterface } from 'node:readline';
import { BlogId, type BlogId as BlogIdType } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, parsePositional } from '../args.js';
import { fetchPage } from '../blog-pages.js';
import type { Command } from '../command.js';
import { CONSOLE_HELP, ConsoleSession, type Draft, type SessionStep } from '../console-session.js';
import { CliError, describeFailure } from '../failure.js';
import type { ApiClient } from '../http.js';
import { connectionNotes } from '../connection-notes.js';
import { changeLine, eventLine, headline, streamLine } from '../output.js';
import { entryInput, newIdempotencyKey, publishEntry, replicationNote, retriedNote } from '../publish.js';
import { Screen } from '../screen.js';
import { onStopSignal } from '../stop-signal.js';

/** Entries shown for context when a person opens the console. */
const CONTEXT_ENTRIES = 3;

/** A paragraph that could not be sent, kept with its key so that a retry can never post it twice. */
interface Unsent {
  draft: Draft;
  key: string;
}

/** `console <blogId>`: the live stream and a prompt that publishes what the editor types. */
export const consoleCommand: Command = {
  name: 'console',
  summary: 'interactive console: shows the live stream and publishes what you type',
  usage: 'console <blogId>',
  help: [
    'Shows every update as it arrives (entries from other editors too) and publishes what you type.',
    ...CONSOLE_HELP,
    'Works with piped stdin too: each paragraph (ended by a blank line or the end of input) is one entry.',
  ],
  options: {},
  async run(input) {
    const [rawId] = expectPositionals(input.positionals, ['blogId'], this.name);
    const blogId = parsePositional(BlogId, rawId, 'blogId', this.name);
    const { io } = input;
    const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true;
    // retries are told on the screen, which exists only once the blog is known
    const late: { screen?: Screen } = {};
    const api = apiFor(input, { token: 'required', onRetry: (note) => late.screen?.error(note) });
    const page = await fetchPage(api, blogId, interactive ? CONTEXT_ENTRIES : 1);
    if (page.blog.status === 'ended') {
      throw new CliError(`blog "${blogId}" has ended; "liveblog blogs reopen ${blogId}" takes it live again.`, 1);
    }

    // Loaded here, not at start: the live client (socket.io-client, ws) is most of the CLI's start-up
    // time. Before stdin is read: lines read while this loads would reach no handler.
    const { followBlog } = await import('../live-follow.js');
    const session = new ConsoleSession();
    const rl = createInterface({ input: io.stdin, output: interactive ? io.stdout : undefined, terminal: interactive, prompt: session.prompt() });
    const shown = new Screen(io, interactive ? rl : undefined);
    late.screen = shown;
    if (interactive) {
      shown.line(`${page.blog.title} (${blogId}) at ${api.url}: type an entry, a blank line publishes it; /help lists the commands.`);
      for (const entry of [...page.entries].reverse()) shown.line(streamLine(entry.createdAt, 'created', entry.id, headline(entry)));
    } else {
      shown.note(`console for blog "${blogId}" at ${api.url}: each paragraph read is published (a blank line or the end of input ends one)`);
    }

    const following = followBlog(api.url, page, {
      event: (event, previous) => shown.line(eventLine(event, previous)),
      reset: (changes, complete) => {
        for (const change of changes) shown.line(changeLine(change));
        if (!complete) shown.error('some entries of the outage could not be fetched; "liveblog tail --history" lists the latest');
      },
      connection: connectionNotes(api.url, (line) => shown.error(line)),
      refused: (error) => shown.error(`the server stopped sending blog "${blogId}": ${error.message} (${error.code})`),
    });
    const poster = new Poster(api, blogId, shown);

    return new Promise<number>((resolve) => {
      let closing = false;
      const quit = async (): Promise<void> => {
        if (closing) return;
        closing = true;
        release();
        shown.close();
        rl.close();
        await poster.idle();
        following.close();
        resolve(poster.reportUnsent());
      };
      const handle = (steps: SessionStep[]): void => {
        for (const step of steps) {
          switch (step.kind) {
            case 'publish':
              poster.publish({ draft: step.draft, key: newIdempotencyKey() });
              break;
            case 'note':
              shown.note(step.text);
              break;
            case 'retry':
              poster.retry();
              break;
            case 'quit':
              void quit();
              return;
            default:
              step satisfies never;
          }
        }
        if (!closing && interactive) {
          rl.setPrompt(session.prompt());
          rl.prompt();
        }
      };
      rl.on('line', (line) => {
        if (!closing) handle(session.input(line));
      });
      rl.on('close', () => {
        if (!closing) handle(session.end());
      });
      rl.on('SIGINT', () => handle(session.interrupt()));
      const release = onStopSignal(() => void quit());
      if (interactive) rl.prompt();
    });
  },
};

/** Publishes paragraphs one at a time, in the order typed, and keeps those that failed. */
class Poster {
  private queue: Promise<void> = Promise.resolve();
  private unsent: Unsent[] = [];

  constructor(
    private readonly api: ApiClient,
    private readonly blogId: BlogIdType,
    private readonly screen: Screen,
  ) {}

  publish(item: Unsent): void {
    this.queue = this.queue.then(() => this.send(item));
  }

  retry(): void {
    const again = this.unsent;
    this.unsent = [];
    if (again.length === 0) this.screen.note('nothing to send again');
    for (const item of again) this.publish(item);
  }

  idle(): Promise<void> {
    return this.queue;
  }

  /** Tells what was not sent, with its full text so that nothing typed is lost; the exit code. */
  reportUnsent(): number {
    if (this.unsent.length === 0) return 0;
    this.screen.error(`${this.unsent.length} ${this.unsent.length === 1 ? 'entry was' : 'entries were'} not published; the text follows:`);
    for (const { draft } of this.unsent) this.screen.plain(`\n${draft.body}\n`);
    return 1;
  }

  private async send(item: Unsent): Promise<void> {
    const { draft } = item;
    let entry;
    try {
      entry = entryInput(
        { kind: 'text', body: draft.body, keyEvent: draft.keyEvent, pinned: draft.pinned, ...(draft.title === undefined ? {} : { title: draft.title }) },
        'console',
      );
    } catch (err) {
      this.unsent.push(item);
      this.screen.error(`not published: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const res = await publishEntry(this.api, this.blogId, entry, item.key);
    if (res.ok) {
      this.screen.line(`posted ${res.data.entry.id}${retriedNote(res.attempts)}${replicationNote(res.data.replication)}`);
      return;
    }
    this.unsent.push(item);
    this.screen.error(`not published: ${describeFailure(res.failure, { blogId: this.blogId })} Type /retry to send it again (with the same Idempotency-Key, so it is never published twice).`);
  }
}
