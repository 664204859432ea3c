import { BlogCreateInput, BlogPatchInput, EntryCreateInput, EntryPatchInput, type BlogId, type Position } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import { assertNever, createBlog, createEntry, renderMarkdown, updateBlog, updateEntry, type CommandDeps } from '../domain/index.js';
import { AppError } from '../errors/app-error.js';
import type { EventStore } from '../store/event-store.js';
import {
  DEMO_BLOG_ID,
  DEMO_ENTRIES,
  DEMO_FIRST_KEY_POINTS,
  DEMO_KEY_POINTS,
  DEMO_KEY_POINTS_MINUTES_AGO,
  DEMO_TITLE,
  type DemoAuthor,
  type DemoEntry,
} from './demo-story.js';

export type SeedOutcome =
  | { seeded: true; blogId: BlogId; entries: number; position: Position }
  | { seeded: false; blogId: BlogId; reason: 'exists' };

export interface SeedOptions {
  /** The moment the story's "minutes ago" count back from (default: the current time). */
  now?: () => Date;
}

/** One step of the story, in the order it happened. */
type Step =
  | { kind: 'create'; minutesAgo: number; entry: DemoEntry }
  | { kind: 'edit'; minutesAgo: number; entry: DemoEntry }
  | { kind: 'header'; minutesAgo: number };

/**
 * Seeds the demo live blog (`demo-storm-coverage`) so a first run shows a real live page: about ten
 * entries over the last two hours (text with Markdown, quotes, an image, a video, key events, a
 * pinned "What we know so far" that was updated, a corrected entry) and a header with key points.
 * Goes through the same domain commands as the REST API, each with the clock set to the moment
 * the step happened. Leaves an existing blog with that id alone.
 *
 * @example
 * const outcome = await seedDemo(store, { now: () => new Date() });
 * if (outcome.seeded) log.info({ blogId: outcome.blogId }, 'demo blog seeded');
 */
export async function seedDemo(store: EventStore, options: SeedOptions = {}): Promise<SeedOutcome> {
  const base = (options.now ?? (() => new Date()))().getTime();
  // The story is ours and small: rendered on this thread, before the server takes any request.
  const render = (body: string): Promise<string> => Promise.resolve(renderMarkdown(body));
  const at = (minutesAgo: number): CommandDeps => ({ store, render, now: () => new Date(base - Math.round(minutesAgo * 60_000)) });
  const blogId = DEMO_BLOG_ID;

  if ((await store.getBlog(blogId)) !== null) return { seeded: false, blogId, reason: 'exists' };
  const start = Math.max(...DEMO_ENTRIES.map((e) => e.minutesAgo)) + 2;
  let position: Position;
  try {
    const input = BlogCreateInput.parse({ id: blogId, title: DEMO_TITLE, keyPoints: DEMO_FIRST_KEY_POINTS });
    ({ position } = await createBlog(at(start), input, author('Live desk')));
  } catch (err) {
    // another instance seeded it between the check and the create
    if (err instanceof AppError && err.code === 'blog_exists') return { seeded: false, blogId, reason: 'exists' };
    throw err;
  }

  const ids = new Map<string, { id: string; version: number }>();
  for (const step of timeline()) {
    const deps = at(step.minutesAgo);
    switch (step.kind) {
      case 'create': {
        const input = EntryCreateInput.parse(step.entry.input);
        const { entry, position: p } = await createEntry(deps, blogId, input, author(step.entry.author));
        ids.set(step.entry.key, { id: entry.id, version: entry.version });
        position = p;
        break;
      }
      case 'edit': {
        const created = ids.get(step.entry.key);
        if (created === undefined || step.entry.edit === undefined) throw new Error(`demo entry "${step.entry.key}" is edited before it exists`);
        const patch = EntryPatchInput.parse({ ...step.entry.edit.patch, version: created.version });
        const { entry, position: p } = await updateEntry(deps, blogId, created.id, patch, author(step.entry.author));
        ids.set(step.entry.key, { id: entry.id, version: entry.version });
        position = p;
        break;
      }
      case 'header':
        ({ position } = await updateBlog(deps, blogId, BlogPatchInput.parse({ keyPoints: DEMO_KEY_POINTS })));
        break;
      default:
        assertNever(step);
    }
  }
  return { seeded: true, blogId, entries: ids.size, position };
}

/** Creates, edits and the header update, oldest first. */
function timeline(): Step[] {
  const steps: Step[] = [{ kind: 'header', minutesAgo: DEMO_KEY_POINTS_MINUTES_AGO }];
  for (const entry of DEMO_ENTRIES) {
    steps.push({ kind: 'create', minutesAgo: entry.minutesAgo, entry });
    if (entry.edit !== undefined) steps.push({ kind: 'edit', minutesAgo: entry.edit.minutesAgo, entry });
  }
  // stable: a create and its edit never share a minute, and creates keep their listed order
  return steps.sort((a, b) => b.minutesAgo - a.minutesAgo);
}

function author(name: DemoAuthor): Principal {
  return { name, role: 'editor' };
}
