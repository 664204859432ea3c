import { connect, type BlogChange, type ConnectOptions, type ConnectionState, type LiveBlog, type LiveClient, type LiveEnvironment, type SubscribeOptions } from '../../client/live/index.js';
import { after, before } from 'node:test';
import type { BlogEvent, Entry } from '../../shared/index.js';
import { startFakeServer, type FakeServer } from './fake-server.js';

/** A client following one blog, with everything it reported. */
export interface Followed {
  client: LiveClient;
  blog: LiveBlog;
  changes: BlogChange[];
  /** Every connection state reported, starting with the one at connect. */
  states: ConnectionState[];
}

/**
 * Connects a client with quick reconnects and follows one blog, recording its changes.
 *
 * @example
 * const f = follow(server.url, 'storm');
 * after(() => f.client.close());
 */
export function follow(
  url: string,
  blogId: string,
  options: SubscribeOptions = {},
  extra: { environment?: LiveEnvironment; socket?: ConnectOptions['socket']; reconnect?: ConnectOptions['reconnect'] } = {},
): Followed {
  const client = connect({
    url,
    environment: extra.environment ?? {},
    socket: extra.socket,
    reconnect: { windowMs: 50, retryMs: 50, maxMs: 250, ...extra.reconnect },
  });
  const states: ConnectionState[] = [client.connection];
  client.onConnection((s) => states.push(s));
  const blog = client.subscribe(blogId, options);
  const changes: BlogChange[] = [];
  blog.onChange((c) => changes.push(c));
  return { client, blog, changes, states };
}

/** A scripted server shared by the tests of one `describe`, and the clients they opened. */
export interface FakeServerSuite {
  readonly server: FakeServer;
  /** Closes the client with the suite. */
  track(f: Followed): Followed;
}

/**
 * Starts a scripted server before the tests of the enclosing `describe` and, after them, closes
 * every tracked client and the server. Call it in the `describe` callback.
 *
 * @example
 * const fake = fakeServerSuite();
 * it('…', async () => { const f = fake.track(follow(fake.server.url, 'storm')); });
 */
export function fakeServerSuite(): FakeServerSuite {
  let server: FakeServer | undefined;
  const open: Followed[] = [];
  before(async () => {
    server = await startFakeServer();
  });
  after(async () => {
    for (const f of open) f.client.close();
    await server?.close();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('the fake server starts before the tests');
      return server;
    },
    track(f) {
      open.push(f);
      return f;
    },
  };
}

/** The events reported as `event` changes, in order. */
export function reportedEvents(changes: readonly BlogChange[]): BlogEvent[] {
  return changes.flatMap((c) => (c.kind === 'event' ? [c.event] : []));
}

/** The ids of the blog's entries in display order (newest first). */
export function entryIds(blog: LiveBlog): string[] {
  return [...(blog.state?.order ?? [])];
}

/** The entry the blog holds under `id`. */
export function entryOf(blog: LiveBlog, id: string): Entry | undefined {
  return blog.state?.entries.get(id);
}

/** A `document` whose visibility the test switches. */
export class FakeDocument {
  visibilityState: 'visible' | 'hidden' = 'visible';
  private readonly listeners = new Set<() => void>();

  addEventListener(_type: 'visibilitychange', listener: () => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'visibilitychange', listener: () => void): void {
    this.listeners.delete(listener);
  }

  /** Sets the visibility and fires `visibilitychange`, as a browser does. */
  set(state: 'visible' | 'hidden'): void {
    this.visibilityState = state;
    for (const listener of [...this.listeners]) listener();
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

/** A `window` whose online signal the test switches. */
export class FakeWindow {
  readonly navigator: { onLine: boolean };
  private readonly listeners = new Map<'online' | 'offline', Set<() => void>>([
    ['online', new Set()],
    ['offline', new Set()],
  ]);

  constructor(onLine = true) {
    this.navigator = { onLine };
  }

  addEventListener(type: 'online' | 'offline', listener: () => void): void {
    this.listeners.get(type)?.add(listener);
  }

  removeEventListener(type: 'online' | 'offline', listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Sets `navigator.onLine` and fires `online` / `offline`, as a browser does. */
  set(onLine: boolean): void {
    this.navigator.onLine = onLine;
    for (const listener of [...(this.listeners.get(onLine ? 'online' : 'offline') ?? [])]) listener();
  }
}
