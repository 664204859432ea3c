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
import type { Metrics } from '../metrics/index.js';
import type { BlogFeed, Relay } from '../relay/index.js';
import type { EventStore } from '../store/event-store.js';
import { CatchUpAnswers, type ReadyAnswer } from './catch-up-answers.js';
import { ackIdOf, sendEncodedAck, type EncodedAck } from './encoded-ack.js';
import type { ReaderSocket } from './reader-socket.js';
import { roomOf } from './room-name.js';

/** How long a subscribe waits for this instance's relay to reach what the store answered. */
const REACH_TIMEOUT_MS = 5_000;
/** Requests one socket may have waiting; more is a misbehaving client. */
const MAX_QUEUED_REQUESTS = 32;

export interface SubscribeDeps {
  relay: Relay;
  store: EventStore;
  logger: Logger;
  metrics: Metrics;
}

/** What a subscribe runs with: the dependencies and the answers shared by this instance's readers. */
interface SubscribeContext extends SubscribeDeps {
  answers: CatchUpAnswers;
}

/** Socket.IO's ack function; the readers' parser sends an `EncodedAck` as the JSON it holds. */
type Ack = (response: SubscribeAck | EncodedAck) => void;

/** How a request is answered: its ack function, and its ack id when the readers' decoder saw it. */
interface Reply {
  ack: Ack;
  id: number | undefined;
}

function fail(code: SocketErrorCode, message: string): SubscribeAck {
  return { ok: false, error: { code, message } };
}

/**
 * The `connection` handler for readers: wires each socket's `subscribe` / `unsubscribe` and
 * cleans up on disconnect. Requests of a socket are answered one after another.
 * The listeners are made once and shared by every socket (Socket.IO calls them with the
 * socket as `this`), so a connected reader costs no closures of its own.
 *
 * @example
 * io.on('connection', readerHandler({ relay, store, logger }));
 */
export function readerHandler(deps: SubscribeDeps): (socket: ReaderSocket) => void {
  const log = deps.logger;
  const context: SubscribeContext = { ...deps, answers: new CatchUpAnswers({ store: deps.store, metrics: deps.metrics }) };

  const enqueue = (socket: ReaderSocket, work: () => Promise<void>, onOverflow: () => void): void => {
    const data = socket.data;
    if (data.queued >= MAX_QUEUED_REQUESTS) {
      onOverflow();
      return;
    }
    data.queued += 1;
    data.queue = (data.queue ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => log.error({ err }, 'reader request failed unexpectedly'))
      .finally(() => {
        data.queued -= 1;
        // Nothing after this one: let the settled chain go instead of keeping it per reader.
        if (data.queued === 0) data.queue = undefined;
      });
  };

  function onSubscribe(this: ReaderSocket, raw: unknown, ack: unknown): void {
    // `emit('subscribe', ack)`: the ack came without a request.
    if (typeof raw === 'function' && ack === undefined) {
      deps.metrics.socketRejections.inc('invalid_request');
      (raw as Ack)(fail('invalid_request', 'invalid subscribe request: (payload)'));
      return;
    }
    // Without an ack function nobody could receive the answer: drop the request.
    if (typeof ack !== 'function') {
      deps.metrics.socketRejections.inc('no_ack');
      return;
    }
    const reply = ack as Ack;
    enqueue(
      this,
      () => subscribe(this, raw, reply, context),
      () => {
        deps.metrics.socketRejections.inc('queue_full');
        reply(fail('rate_limited', 'too many requests in flight on this connection'));
      },
    );
  }

  function onUnsubscribe(this: ReaderSocket, raw: unknown): void {
    enqueue(this, async () => unsubscribe(this, raw, deps), () => deps.metrics.socketRejections.inc('queue_full'));
  }

  function onDisconnect(this: ReaderSocket): void {
    for (const blogId of this.data.blogs) deps.relay.release(blogId);
    this.data.blogs = [];
  }

  return (socket) => {
    socket.data.blogs = [];
    socket.data.queue = undefined;
    socket.data.queued = 0;
    socket.on('subscribe', onSubscribe);
    socket.on('unsubscribe', onUnsubscribe);
    socket.on('disconnect', onDisconnect);
  };
}

function holds(socket: ReaderSocket, blogId: BlogId): boolean {
  return socket.data.blogs.includes(blogId);
}

/** Forgets the blog on this socket; false when it did not hold it. */
function forget(socket: ReaderSocket, blogId: BlogId): boolean {
  const at = socket.data.blogs.indexOf(blogId);
  if (at < 0) return false;
  socket.data.blogs.splice(at, 1);
  return true;
}

function unsubscribe(socket: ReaderSocket, raw: unknown, deps: SubscribeDeps): void {
  const parsed = UnsubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    deps.metrics.socketRejections.inc('invalid_request');
    return;
  }
  const { blogId } = parsed.data;
  if (!forget(socket, blogId)) return;
  void socket.leave(roomOf(blogId));
  deps.relay.release(blogId);
}

async function subscribe(socket: ReaderSocket, raw: unknown, ack: Ack, deps: SubscribeContext): Promise<void> {
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    deps.metrics.socketRejections.inc('invalid_request');
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(payload)').join(', ');
    ack(fail('invalid_request', `invalid subscribe request: ${fields}`));
    return;
  }
  const request = parsed.data;
  const { blogId } = request;
  const held = holds(socket, blogId);
  if (!held && socket.data.blogs.length >= LIMITS.subscriptionsPerSocket) {
    deps.metrics.socketRejections.inc('too_many_subscriptions');
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
      socket.data.blogs.push(blogId);
    }
    const answered = await answer(socket, feed, request, { ack, id: ackIdOf(raw) }, deps);
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
  if (forget(socket, blogId)) deps.relay.release(blogId);
}

/**
 * Answers with exactly the events after the reader's position and joins the room in
 * the same tick, so no event is both in the answer and in the room, or in neither.
 */
async function answer(
  socket: ReaderSocket,
  feed: BlogFeed,
  request: SubscribeRequest,
  reply: Reply,
  deps: SubscribeContext,
): Promise<boolean> {
  const { blogId } = request;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const fromMemory = deps.answers.fromMemory(feed, request);
    if (fromMemory !== null) {
      deliver(socket, blogId, fromMemory, reply);
      return true;
    }
    const stored = await deps.answers.read(feed, request);
    if (stored === null) throw new AppError('blog_not_found', `no blog "${blogId}"`);
    const outcome = await feed.reach(stored.position, REACH_TIMEOUT_MS);
    if (outcome !== 'reached' || !socket.connected) {
      if (!socket.connected) return true;
      continue;
    }
    // From here to the join nothing awaits: the relay cannot hand out an event in between.
    const fromStore = deps.answers.fromStored(feed, request, stored);
    if (fromStore === null) continue;
    deliver(socket, blogId, fromStore, reply);
    return true;
  }
  return false;
}

/** Sends the answer (and after a reset the events since its snapshot) and joins the blog's room. */
function deliver(socket: ReaderSocket, blogId: BlogId, answer: ReadyAnswer, reply: Reply): void {
  // With its id known, the answer goes out as a frame encoded once for every reader at this position.
  if (reply.id !== undefined) sendEncodedAck(socket, reply.id, answer.ack);
  else reply.ack(answer.ack);
  for (const event of answer.tail) socket.emit('update', event);
  void socket.join(roomOf(blogId));
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
