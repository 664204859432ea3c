import type { BlogEvent, BlogPage, Entry, EntryId } from '../../shared/index.js';
import { connect, type ConnectionState, type LiveBlog, type LiveBlogError } from '../live/index.js';
import type { BlogState } from '../state/index.js';
import { diffStates, newestId, type EntryChange } from './state-diff.js';

export interface FollowHandlers {
  /** One event that changed what a reader sees, in order. */
  event(event: BlogEvent, previous: Entry | undefined): void;
  /**
   * The server replaced the state (its log was recreated, or we were too far behind): the
   * entries that differ, oldest first. `complete` is false when older pages could not all be
   * fetched, so entries created during the outage may be missing.
   */
  reset(changes: EntryChange[], complete: boolean): void;
  /** The connection changed; `reconnecting` and `offline` mean updates wait until it is back. */
  connection(state: ConnectionState): void;
  /** The server refused the blog for good (e.g. it no longer exists). */
  refused(error: LiveBlogError): void;
}

export interface Following {
  close(): void;
}

/** Older pages fetched after a reset to find what was created meanwhile: 40 × 50 entries. */
const MAX_BACKFILL_PAGES = 40;

type Held = { event: BlogEvent; previous: Entry | undefined };

/**
 * Follows a blog from a page fetched over REST, so that nothing between that page and the
 * live stream is missed: the live client asks for every event after the page's position, and
 * catches up the same way after each reconnect. When the server answers with a reset instead
 * of the missed events, the older pages are fetched until they reach what was known, so the
 * entries created meanwhile are still reported, in order, before any later event.
 *
 * @example
 * const page = await fetchPage(api, 'storm', 1);
 * const following = followBlog(api.url, page, { event: (e) => print(e), reset, connection, refused });
 * process.once('SIGINT', () => following.close());
 */
export function followBlog(url: string, page: BlogPage, handlers: FollowHandlers): Following {
  // Node has no document or window: no visibility or online signals to watch
  const client = connect({ url, environment: {} });
  const blog = client.subscribe(page.blog.id, { from: { snapshot: page, position: page.position } });
  let last = blog.state;
  /** Set while older pages are fetched after a reset: events wait so that order is kept. */
  let backfill: { older: Map<EntryId, Entry>; held: Held[] } | undefined;

  const settle = async (before: BlogState, after: BlogState): Promise<void> => {
    const older = new Map<EntryId, Entry>();
    backfill = { older, held: [] };
    const complete = await fetchOlderUntil(blog, newestId(before.entries.keys()));
    // the snapshot at the reset plus the older pages: what the outage is compared against
    const covered: BlogState = { ...after, entries: new Map([...older, ...after.entries]), olderCursor: blog.state?.olderCursor ?? null };
    const { held } = backfill;
    backfill = undefined;
    handlers.reset(diffStates(before, covered), complete);
    for (const { event, previous } of held) handlers.event(event, previous);
  };

  blog.onChange((change) => {
    switch (change.kind) {
      case 'event':
        if (backfill !== undefined) backfill.held.push({ event: change.event, previous: change.previous });
        else handlers.event(change.event, change.previous);
        break;
      case 'reset':
        // a reset during a backfill supersedes it: its pages no longer fit the state
        if (last !== undefined && backfill === undefined) void settle(last, change.state);
        break;
      case 'older':
        for (const entry of change.entries) backfill?.older.set(entry.id, entry);
        break;
      default:
        change satisfies never;
    }
    last = change.state;
  });
  blog.onError((error) => handlers.refused(error));
  client.onConnection((state) => handlers.connection(state));
  return { close: () => client.close() };
}

/** Loads older pages until one reaches `knownId` (or the start); false when it had to stop short. */
async function fetchOlderUntil(blog: LiveBlog, knownId: EntryId | undefined): Promise<boolean> {
  if (knownId === undefined) return true;
  for (let pages = 0; pages < MAX_BACKFILL_PAGES; pages += 1) {
    const state = blog.state;
    if (state === undefined) return false;
    const oldest = state.order.at(-1);
    if (state.olderCursor === null || oldest === undefined || oldest <= knownId) return true;
    try {
      if ((await blog.loadOlder()) !== 'loaded') return blog.state?.olderCursor === null;
    } catch {
      return false;
    }
  }
  return false;
}
