import * as z from 'zod';
import { BlogId, EntryKind } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, parseFlags, parsePositional } from '../args.js';
import { bodySource, readBody } from '../body-input.js';
import type { Command } from '../command.js';
import { failWith } from '../failure.js';
import { say } from '../io.js';
import { entryInput, newIdempotencyKey, publishEntry, replicationNote, retriedNote } from '../publish.js';

const PostFlags = z.object({
  file: z.string().optional(),
  title: z.string().optional(),
  kind: EntryKind.optional(),
  attribution: z.string().optional(),
  'media-url': z.string().optional(),
  caption: z.string().optional(),
  'key-event': z.boolean().default(false),
  pin: z.boolean().default(false),
});

/** `post <blogId> [text…]`: one entry, from the arguments, a file or stdin. */
export const post: Command = {
  name: 'post',
  summary: 'publish an entry (text from the arguments, --file, or stdin)',
  usage: 'post <blogId> [text…] [--file F] [--title T] [--kind text|quote|image|video] [--attribution A] [--media-url U] [--caption C] [--key-event] [--pin]',
  help: [
    'text…              the entry (Markdown); without it and --file, all of stdin is read',
    '--file F           read the text from file F ("-" for stdin)',
    '--title T          a subheading above the text',
    '--kind K           text (default), quote, image or video',
    '--attribution A    who is quoted (quotes only)',
    '--media-url U      the https:// URL of the image or video (required for those kinds)',
    '--caption C        the image or video caption',
    '--key-event        mark it as a key event (listed in the summary)',
    '--pin              pin it to the top of the blog',
    'Each post carries a fresh Idempotency-Key; after a 503, a 504 (the store did not confirm',
    'the write) or a network error it is sent again with the same key, so it is never published twice.',
  ],
  options: {
    file: { type: 'string' },
    title: { type: 'string' },
    kind: { type: 'string' },
    attribution: { type: 'string' },
    'media-url': { type: 'string' },
    caption: { type: 'string' },
    'key-event': { type: 'boolean' },
    pin: { type: 'boolean' },
  },
  async run(input) {
    const [rawId, ...words] = expectPositionals(input.positionals, ['blogId'], this.name, true);
    const blogId = parsePositional(BlogId, rawId, 'blogId', this.name);
    const flags = parseFlags(PostFlags, input.values, this.name);
    const api = apiFor(input, { token: 'required' });
    const kind = flags.kind ?? 'text';
    const source = bodySource(words, flags.file, this.name);
    // an image or video needs no text: do not wait for a person to type one
    const body = source.from === 'stdin' && (kind === 'image' || kind === 'video') && input.io.stdin.isTTY ? '' : await readBody(source, input.io);
    const media =
      flags['media-url'] === undefined && flags.caption === undefined
        ? undefined
        : { url: flags['media-url'], ...(flags.caption === undefined ? {} : { caption: flags.caption }) };
    const entry = entryInput(
      {
        kind,
        body,
        keyEvent: flags['key-event'],
        pinned: flags.pin,
        ...(flags.title === undefined ? {} : { title: flags.title }),
        ...(flags.attribution === undefined ? {} : { attribution: flags.attribution }),
        ...(media === undefined ? {} : { media }),
      },
      this.name,
    );
    const res = await publishEntry(api, blogId, entry, newIdempotencyKey());
    if (!res.ok) failWith(res.failure, { blogId });
    say(input.io, `posted ${res.data.entry.id} to ${blogId}${retriedNote(res.attempts)}${replicationNote(res.data.replication)}`);
    return 0;
  },
};
