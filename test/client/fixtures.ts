import { Blog, BlogEvent, Entry, type BlogId, type BlogPage, type Cursor, type Epoch, type Position, type Snapshot, type SubscribeAck } from '../../shared/index.js';

const T0 = Date.parse('2025-01-01T12:00:00.000Z');

/** A fixed, valid timestamp `n` seconds after a reference instant. */
export function at(n: number): string {
  return new Date(T0 + n * 1000).toISOString();
}

/** A valid blog header (parsed, so a fixture can never drift from the schema). */
export function makeBlog(id: BlogId, overrides: Partial<Blog> = {}): Blog {
  return Blog.parse({
    id,
    title: 'Election night',
    keyPoints: [],
    status: 'live',
    coverageStartTime: at(0),
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  });
}

/** A valid text entry; `id` must be 6-40 lowercase alphanumerics. */
export function makeEntry(blogId: BlogId, id: string, overrides: Partial<Entry> = {}): Entry {
  return Entry.parse({
    id,
    blogId,
    kind: 'text',
    body: `body of ${id}`,
    html: `<p>body of ${id}</p>`,
    keyEvent: false,
    pinned: false,
    author: { name: 'Desk' },
    createdAt: at(1),
    updatedAt: at(1),
    version: 1,
    ...overrides,
  });
}

type EventBody =
  | { type: 'entry.created'; entry: Entry }
  | { type: 'entry.updated'; entry: Entry }
  | { type: 'entry.deleted'; entryId: string }
  | { type: 'blog.updated'; blog: Blog };

/**
 * A scripted event log of one blog in one epoch: each call stamps the next seq,
 * like the store does. `snapshotAt` folds the log naively, as an oracle independent
 * of the reducer under test.
 */
export class ScriptedLog {
  readonly events: BlogEvent[] = [];

  constructor(
    readonly blogId: BlogId,
    readonly epoch: Epoch,
  ) {}

  get position(): Position {
    return { epoch: this.epoch, seq: this.events.length };
  }

  append(body: EventBody): BlogEvent {
    const event = BlogEvent.parse({ ...body, blogId: this.blogId, epoch: this.epoch, seq: this.events.length + 1, at: at(this.events.length + 1) });
    this.events.push(event);
    return event;
  }

  created(id: string, overrides: Partial<Entry> = {}): BlogEvent {
    return this.append({ type: 'entry.created', entry: makeEntry(this.blogId, id, overrides) });
  }

  updated(id: string, version: number, overrides: Partial<Entry> = {}): BlogEvent {
    return this.append({ type: 'entry.updated', entry: makeEntry(this.blogId, id, { version, ...overrides }) });
  }

  deleted(id: string): BlogEvent {
    return this.append({ type: 'entry.deleted', entryId: id });
  }

  blogUpdated(overrides: Partial<Blog> = {}): BlogEvent {
    return this.append({ type: 'blog.updated', blog: makeBlog(this.blogId, overrides) });
  }

  /** Events with `after < seq <= upTo`. */
  between(after: number, upTo = this.events.length): BlogEvent[] {
    return this.events.slice(after, upTo);
  }

  /** The blog as of `seq`: header and every live entry, newest created first. */
  snapshotAt(seq = this.events.length, nextCursor: Cursor | null = null): Snapshot {
    let blog = makeBlog(this.blogId);
    const entries = new Map<string, Entry>();
    const created: string[] = [];
    for (const event of this.events.slice(0, seq)) {
      switch (event.type) {
        case 'entry.created':
          created.unshift(event.entry.id);
          entries.set(event.entry.id, event.entry);
          break;
        case 'entry.updated':
          entries.set(event.entry.id, event.entry);
          break;
        case 'entry.deleted':
          entries.delete(event.entryId);
          break;
        case 'blog.updated':
          blog = event.blog;
          break;
        default:
          throw new Error(`unknown event ${JSON.stringify(event satisfies never)}`);
      }
    }
    return { blog, entries: created.flatMap((id) => entries.get(id) ?? []), nextCursor };
  }

  resetAck(seq = this.events.length, nextCursor: Cursor | null = null): Extract<SubscribeAck, { reset: true }> {
    return { ok: true, reset: true, position: { epoch: this.epoch, seq }, snapshot: this.snapshotAt(seq, nextCursor) };
  }

  eventsAck(after: number, upTo = this.events.length): Extract<SubscribeAck, { reset: false }> {
    return { ok: true, reset: false, position: { epoch: this.epoch, seq: upTo }, events: this.between(after, upTo) };
  }

  page(entries: Entry[], nextCursor: Cursor | null, seq = this.events.length): BlogPage {
    return { blog: makeBlog(this.blogId), entries, nextCursor, position: { epoch: this.epoch, seq } };
  }
}
