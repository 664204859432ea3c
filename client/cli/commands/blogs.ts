import * as z from 'zod';
import { BlogCreateInput, BlogId, BlogList, BlogPatchInput, BlogWriteResult, type BlogStatus } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, parseFlags, parsePositional } from '../args.js';
import type { Command, CommandInput } from '../command.js';
import { failWith, usageError } from '../failure.js';
import { replicationNote } from '../publish.js';
import { say } from '../io.js';
import { dateTime, table, truncate } from '../output.js';

/** `blogs list`: every blog, newest first. */
export const blogsList: Command = {
  name: 'blogs list',
  summary: 'list the blogs (id, status, title, last update)',
  usage: 'blogs list',
  help: [],
  options: {},
  async run(input) {
    expectPositionals(input.positionals, [], this.name);
    const api = apiFor(input, { token: 'none' });
    const res = await api.request({ method: 'GET', path: '/api/blogs', answer: BlogList });
    if (!res.ok) failWith(res.failure);
    if (res.data.blogs.length === 0) {
      say(input.io, 'no blogs yet: "liveblog blogs create --title T" starts one');
      return 0;
    }
    const rows = res.data.blogs.map((b) => [b.id, b.status, truncate(b.title, 60), dateTime(b.updatedAt)]);
    for (const line of table(['ID', 'STATUS', 'TITLE', 'UPDATED'], rows)) say(input.io, line);
    return 0;
  },
};

const CreateFlags = z.object({
  title: z.string({ error: 'required' }),
  id: z.string().optional(),
  'key-point': z.array(z.string()).optional(),
});

/** `blogs create --title T [--id ID] [--key-point P]…` */
export const blogsCreate: Command = {
  name: 'blogs create',
  summary: 'start a blog',
  usage: 'blogs create --title T [--id ID] [--key-point P]…',
  help: [
    '--title T        the headline readers see (required)',
    '--id ID          the URL slug (a-z, 0-9, "-"); default: made from the title',
    '--key-point P    a key point shown above the entries; repeat for more (up to 10)',
  ],
  options: { title: { type: 'string' }, id: { type: 'string' }, 'key-point': { type: 'string', multiple: true } },
  async run(input) {
    expectPositionals(input.positionals, [], this.name);
    const flags = parseFlags(CreateFlags, input.values, this.name);
    const body = parseFlags(
      BlogCreateInput,
      { title: flags.title, ...(flags.id === undefined ? {} : { id: flags.id }), ...(flags['key-point'] === undefined ? {} : { keyPoints: flags['key-point'] }) },
      this.name,
    );
    const api = apiFor(input, { token: 'required' });
    const res = await api.request({ method: 'POST', path: '/api/blogs', body, answer: BlogWriteResult });
    if (!res.ok) failWith(res.failure, { blogId: body.id });
    say(input.io, `created blog ${res.data.blog.id}: ${res.data.blog.title}${replicationNote(res.data.replication)}`);
    say(input.io, `readers: ${input.settings.url}/blogs/${res.data.blog.id}`);
    return 0;
  },
};

/** `blogs end <blogId>` */
export const blogsEnd: Command = {
  name: 'blogs end',
  summary: 'end a blog: readers see the coverage has ended, no more entries',
  usage: 'blogs end <blogId>',
  help: [],
  options: {},
  run: (input) => setStatus(input, 'ended', 'blogs end'),
};

/** `blogs reopen <blogId>` */
export const blogsReopen: Command = {
  name: 'blogs reopen',
  summary: 'take an ended blog live again',
  usage: 'blogs reopen <blogId>',
  help: [],
  options: {},
  run: (input) => setStatus(input, 'live', 'blogs reopen'),
};

async function setStatus(input: CommandInput, status: BlogStatus, command: string): Promise<number> {
  const [rawId] = expectPositionals(input.positionals, ['blogId'], command);
  const blogId = parsePositional(BlogId, rawId, 'blogId', command);
  const body = BlogPatchInput.safeParse({ status });
  if (!body.success) throw usageError(body.error.message, command);
  const api = apiFor(input, { token: 'required' });
  const res = await api.request({ method: 'PATCH', path: `/api/blogs/${blogId}`, body: body.data, answer: BlogWriteResult });
  if (!res.ok) failWith(res.failure, { blogId });
  say(input.io, `${status === 'ended' ? 'ended' : 'reopened'} blog ${blogId}: ${res.data.blog.title}${replicationNote(res.data.replication)}`);
  return 0;
}
