import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type ConnectOptions, type LiveBlog, type LiveClient } from '../../../client/live/index.js';

/** A reader of one blog through the real client library, with what it reported. */
export interface ChaosReader {
  /** The instance it connects to (its URL), as a reader behind no load balancer does. */
  readonly url: string;
  readonly client: LiveClient;
  readonly blog: LiveBlog;
  /** `Date.now()` when each entry first arrived (as an `entry.created` event or in a snapshot). */
  readonly arrivedAt: Map<string, number>;
  /** How many times each entry was reported as created: more than once is a doubled delivery. */
  readonly createdReports: Map<string, number>;
  /** Snapshots applied (the first load is one). */
  resets: number;
  /** Times the connection went from up to `reconnecting`. */
  reconnects: number;
}

/**
 * The library's connection state is `live` and the blog has a state.
 *
 * @example
 * await waitForReaders(readers, isLive, 'be live');
 */
export function isLive(reader: ChaosReader): boolean {
  return reader.client.connection === 'live' && reader.blog.state !== undefined;
}

function follow(url: string, blogId: string, socket: ConnectOptions['socket']): ChaosReader {
  // The library's own reconnection settings: the suite measures what real readers do.
  const client = connect({ url, environment: {}, socket });
  const blog = client.subscribe(blogId);
  const reader: ChaosReader = { url, client, blog, arrivedAt: new Map(), createdReports: new Map(), resets: 0, reconnects: 0 };
  blog.onChange((change) => {
    const now = Date.now();
    if (change.kind === 'reset') {
      reader.resets += 1;
      for (const id of change.state.order) if (!reader.arrivedAt.has(id)) reader.arrivedAt.set(id, now);
    } else if (change.kind === 'event' && change.event.type === 'entry.created') {
      const id = change.event.entry.id;
      reader.createdReports.set(id, (reader.createdReports.get(id) ?? 0) + 1);
      if (!reader.arrivedAt.has(id)) reader.arrivedAt.set(id, now);
    }
  });
  let previous = client.connection;
  client.onConnection((state) => {
    if (state === 'reconnecting' && previous !== 'reconnecting') reader.reconnects += 1;
    previous = state;
  });
  return reader;
}

/**
 * Opens `count` readers of `blogId` spread evenly over `urls` and waits until all are live;
 * `socket` is passed to the library's Socket.IO client (e.g. its transports).
 *
 * @example
 * const readers = await openReaders([a.url, b.url], 'storm', 200);
 * const polling = await openReaders([balancer.url], 'storm', 20, 20_000, { transports: ['polling'], withCredentials: true });
 */
export async function openReaders(
  urls: readonly string[],
  blogId: string,
  count: number,
  timeoutMs = 20_000,
  socket: ConnectOptions['socket'] = undefined,
): Promise<ChaosReader[]> {
  const readers: ChaosReader[] = [];
  for (let i = 0; i < count; i += 1) {
    readers.push(follow(urls[i % urls.length]!, blogId, socket));
    // A few at a time, as readers arrive, not 200 handshakes in one tick.
    if (i % 25 === 24) await sleep(20);
  }
  try {
    await waitForReaders(readers, isLive, 'live', timeoutMs);
  } catch (err) {
    closeReaders(readers);
    throw err;
  }
  return readers;
}

/**
 * Resolves once `predicate` holds for every reader; rejects after `timeoutMs`, naming how many do not.
 *
 * @example
 * await waitForReaders(readers, (r) => r.blog.state?.order.length === 10, 'hold 10 entries');
 */
export async function waitForReaders(
  readers: readonly ChaosReader[],
  predicate: (reader: ChaosReader) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = readers.filter((r) => !predicate(r));
    if (behind.length === 0) return;
    if (Date.now() > deadline) {
      const first = behind[0]!;
      throw new Error(
        `${behind.length} of ${readers.length} readers did not ${what} within ${timeoutMs} ms; e.g. a reader of ${first.url}: ` +
          `${first.client.connection}, ${first.blog.state?.order.length ?? 'no'} entries, error ${JSON.stringify(first.blog.error)}`,
      );
    }
    await sleep(100);
  }
}

/**
 * Closes every reader's connection.
 *
 * @example
 * after(() => closeReaders(readers));
 */
export function closeReaders(readers: readonly ChaosReader[]): void {
  for (const reader of readers) reader.client.close();
}
