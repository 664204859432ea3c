import {
  LIMITS,
  SubscribeRequest,
  UnsubscribeRequest,
  type BlogId,
  type SocketErrorCode,
  type SubscribeAck,
} from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { BlogFeed, Relay } from '../relay/index.js';
import type { EventStore } from '../store/event-store.js';
import type { ReaderSocket } from './reader-socket.js';
import { roomOf } from './room-name.js';

/** A reader this far behind gets a fresh page instead of the events. */
const MAX_CATCH_UP_EVENTS = 1_000;
const SNAPSHOT_PAGE_SIZE = LIMITS.pageSizeDefault;
/** How long a subscribe waits for this instance's relay to reach what the store answered. */
const REACH_TIMEOUT_MS = 5_000;
/** Requests one socket may have waiting; more is a misbehaving client. */
const MAX_QUEUED_REQUESTS = 32;

export interface SubscribeDeps {
  relay: Relay;
  store: EventStore;
  logger: Logger;
}

type Ack = (response: SubscribeAck) => void;

function fail(code: SocketErrorCode, message: string): SubscribeAck {
  return { ok: false, error: { code, message } };
}

/**
 * Wires one reader socket's `subscribe` / `unsubscribe` and cleans up on disconnect.
 * Requests of a socket are answered one after another.
 *
 * @example
 * io.on('connection', (socket) => handleReader(socket, { relay, store, logger }));
 */
export function handleReader(socket: ReaderSocket, deps: SubscribeDeps): void {
  const log = deps.logger;
  socket.data.blogs = new Set();
  socket.data.queue = Promise.resolve();
  socket.data.queued = 0;

  const enqueue = (work: () => Promise<void>, onOverflow: () => void): void => {
    if (socket.data.queued >= MAX_QUEUED_REQUESTS) {
      onOverflow();
      return;
    }
    socket.data.queued += 1;
    socket.data.queue = socket.data.queue
      .then(work)
      .catch((err: unknown) => log.error({ err }, 'reader request failed unexpectedly'))
      .finally(() => {
        socket.data.queued -= 1;
      });
  };

  socket.on('subscribe', (raw: unknown, ack: unknown) => {
    // Without an ack function nobody could receive the answer: drop the request.
    if (typeof ack !== 'function') return;
    const reply = ack as Ack;
    enqueue(
      () => subscribe(socket, raw, reply, deps),
      () => reply(fail('rate_limited', 'too many requests in flight on this connection')),
    );
  });

  socket.on('unsubscribe', (raw: unknown) => {
    enqueue(async () => unsubscribe(socket, raw, deps), () => {});
  });

  socket.on('disconnect', () => {
    for (const blogId of socket.data.blogs) deps.relay.release(blogId);
    socket.data.blogs.clear();
  });
}

function unsubscribe(socket: ReaderSocket, raw: unknown, deps: SubscribeDeps): void {
  const parsed = UnsubscribeRequest.safeParse(raw);
  if (!parsed.success) return;
  const { blogId } = parsed.data;
  if (!socket.data.blogs.delete(blogId)) return;
  void socket.leave(roomOf(blogId));
  deps.relay.release(blogId);
}

async function subscribe(socket: ReaderSocket, raw: unknown, ack: Ack, deps: SubscribeDeps): Promise<void> {
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(payload)').join(', ');
    ack(fail('invalid_request', `invalid subscribe request: ${fields}`));
    return;
  }
  const request = parsed.data;
  const { blogId } = request;
  const held = socket.data.blogs.has(blogId);
  if (!held && socket.data.blogs.size >= LIMITS.subscriptionsPerSocket) {
    ack(fail('too_many_subscriptions', `at most ${LIMITS.subscriptionsPerSocket} blogs per connection`));
    return;
  }
  // A re-subscribe (after a gap) leaves the room first: from here on this socket gets
  // events only through this answer, until it joins again in the same tick as the answer.
  if (held) void socket.leave(roomOf(blogId));

  try {
    let feed = deps.relay.feedOf(blogId);
    if (!held || feed === undefined) {
      feed = await deps.relay.acquire(blogId);
      if (!socket.connected) {
        deps.relay.release(blogId);
        return;
      }
      socket.data.blogs.add(blogId);
    }
    const answered = await answer(socket, feed, request, ack, deps);
    if (!answered) {
      release(socket, blogId, deps);
      ack(fail('unavailable', 'could not catch up in time; retry'));
    }
  } catch (err) {
    release(socket, blogId, deps);
    ack(errorAck(err, blogId, deps.logger));
  }
}

function release(socket: ReaderSocket, blogId: BlogId, deps: SubscribeDeps): void {
  if (socket.data.blogs.delete(blogId)) deps.relay.release(blogId);
}

/**
 * Answers with exactly the events after the reader's position and joins the room in
 * the same tick, so no event is both in the answer and in the room, or in neither.
 */
async function answer(
  socket: ReaderSocket,
  feed: BlogFeed,
  request: SubscribeRequest,
  ack: Ack,
  deps: SubscribeDeps,
): Promise<boolean> {
  const { blogId } = request;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const fromMemory = feed.eventsAfter(request.epoch, request.after);
    const position = feed.position();
    if (fromMemory !== null && position !== null) {
      ack({ ok: true, reset: false, position, events: fromMemory });
      void socket.join(roomOf(blogId));
      return true;
    }
    const stored = await deps.store.readEvents(
      blogId,
      { epoch: request.epoch, after: request.after },
      { pageSize: SNAPSHOT_PAGE_SIZE, maxEvents: MAX_CATCH_UP_EVENTS },
    );
    if (stored === null) throw new AppError('blog_not_found', `no blog "${blogId}"`);
    const outcome = await feed.reach(stored.position, REACH_TIMEOUT_MS);
    if (outcome !== 'reached' || !socket.connected) {
      if (!socket.connected) return true;
      continue;
    }
    // From here to the join nothing awaits: the relay cannot hand out an event in between.
    const tail = feed.eventsAfter(stored.position.epoch, stored.position.seq);
    const head = feed.position();
    if (tail === null || head === null) continue;
    if (stored.reset) {
      ack({ ok: true, reset: true, position: stored.position, snapshot: stored.snapshot });
      for (const event of tail) socket.emit('update', event);
    } else {
      ack({ ok: true, reset: false, position: head, events: [...stored.events, ...tail] });
    }
    void socket.join(roomOf(blogId));
    return true;
  }
  return false;
}

function errorAck(err: unknown, blogId: BlogId, log: Logger): SubscribeAck {
  if (err instanceof AppError) {
    switch (err.code) {
      case 'blog_not_found':
        return fail('blog_not_found', `no blog "${blogId}"`);
      case 'store_unavailable':
        return fail('unavailable', 'the store cannot be reached; retry');
      default:
        break;
    }
  }
  log.error({ err, blogId }, 'subscribe failed');
  return fail('unavailable', 'subscribe failed; retry');
}
