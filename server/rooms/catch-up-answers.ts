import { LIMITS, type BlogEvent, type CatchUp, type Position, type SubscribeAck, type SubscribeRequest } from '../../shared/index.js';
import type { CatchUpSource, Metrics } from '../metrics/index.js';
import type { BlogFeed } from '../relay/index.js';
import type { EventStore } from '../store/event-store.js';
import { EncodedAck } from './encoded-ack.js';

/** A reader this far behind gets a fresh page instead of the events. */
const MAX_CATCH_UP_EVENTS = 1_000;
const SNAPSHOT_PAGE_SIZE = LIMITS.pageSizeDefault;
/**
 * What the answers kept for reuse may hold, over all blogs of the instance: enough for every
 * position readers of a busy blog come back with, far less than the readers themselves take.
 */
const MAX_KEPT_ANSWERS = 256;
const MAX_KEPT_BYTES = 64 * 1024 * 1024;

/** One subscribe answer, ready to send. */
export interface ReadyAnswer {
  /** The ack, JSON-encoded once for every reader that gets this answer. */
  ack: EncodedAck;
  /** After a reset: the events the feed handed out after the snapshot, sent as updates after the ack. */
  tail: readonly BlogEvent[];
}

interface Kept extends ReadyAnswer {
  source: CatchUpSource;
}

/**
 * The catch-up answers of this instance's readers. Readers that come back at the same position
 * (a restarted instance's readers, a page loaded by thousands at once) get one answer, built
 * and JSON-encoded once: it is kept per blog feed, the feed's head and the reader's
 * `(epoch, after)`, and at most one store read per feed and `(epoch, after)` is in flight however
 * many readers wait for it. An answer is only ever reused at the head it was built at, so what a reader gets
 * is exactly what it would have got alone: the events after its position up to the head, or a
 * snapshot and the events after it.
 *
 * @example
 * const answers = new CatchUpAnswers({ store, metrics });
 * const ready = answers.fromMemory(feed, request) ?? (await readAndReach());
 * ack(ready.ack);
 */
export class CatchUpAnswers {
  /** Least recently used first. */
  private readonly kept = new Map<string, Kept>();
  private keptBytes = 0;
  private readonly reading = new Map<string, Promise<CatchUp | null>>();
  /**
   * Answers belong to the feed that made them: a feed started anew (after an idle drop) on a
   * store restored from an older snapshot may reach the same position with other events.
   */
  private readonly feedIds = new WeakMap<BlogFeed, number>();
  private nextFeedId = 0;

  constructor(private readonly deps: { store: EventStore; metrics?: Metrics }) {}

  /**
   * The answer at the feed's head when it needs no store read: kept from an earlier reader at
   * this head, or made from the feed's recent events. Null when the store must be asked.
   */
  fromMemory(feed: BlogFeed, request: SubscribeRequest): ReadyAnswer | null {
    const head = feed.position();
    if (head === null) return null;
    const key = this.answerKey(feed, head, request);
    const kept = this.reuse(key);
    if (kept !== null) return kept;
    const events = feed.eventsAfter(request.epoch, request.after);
    if (events === null) return null;
    return this.give(this.keep(key, { source: 'memory', tail: [], ack: encode({ ok: true, reset: false, position: head, events }) }));
  }

  /**
   * Reads the events after the reader's position from the store: one read per blog and
   * `(epoch, after)` at a time, shared by every reader asking meanwhile. Null when the blog
   * does not exist; rejects as the store does.
   */
  read(feed: BlogFeed, request: SubscribeRequest): Promise<CatchUp | null> {
    const key = `${this.feedId(feed)} ${request.epoch ?? ''} ${request.after ?? ''}`;
    const pending = this.reading.get(key);
    if (pending !== undefined) return pending;
    const read = this.deps.store.readEvents(
      feed.blogId,
      { epoch: request.epoch, after: request.after },
      { pageSize: SNAPSHOT_PAGE_SIZE, maxEvents: MAX_CATCH_UP_EVENTS },
    );
    this.reading.set(key, read);
    const settled = (): void => {
      if (this.reading.get(key) === read) this.reading.delete(key);
    };
    read.then(settled, settled);
    return read;
  }

  /**
   * The answer at the feed's head from what the store answered, once the feed has handed out
   * at least the store's position (`feed.reach`). Null when the feed no longer covers it (it
   * moved to another epoch meanwhile): ask again.
   */
  fromStored(feed: BlogFeed, request: SubscribeRequest, stored: CatchUp): ReadyAnswer | null {
    const tail = feed.eventsAfter(stored.position.epoch, stored.position.seq);
    const head = feed.position();
    if (tail === null || head === null) return null;
    const key = this.answerKey(feed, head, request);
    // The readers that waited for the same read come here one after another: the first builds.
    const kept = this.reuse(key);
    if (kept !== null) return kept;
    const answer: Kept = stored.reset
      ? { source: 'reset', tail, ack: encode({ ok: true, reset: true, position: stored.position, snapshot: stored.snapshot }) }
      : { source: 'store', tail: [], ack: encode({ ok: true, reset: false, position: head, events: [...stored.events, ...tail] }) };
    return this.give(this.keep(key, answer));
  }

  /** Feed, head and the reader's position: the answer is the same for every reader with this key. */
  private answerKey(feed: BlogFeed, head: Position, request: SubscribeRequest): string {
    return `${this.feedId(feed)} ${head.epoch} ${head.seq} ${request.epoch ?? ''} ${request.after ?? ''}`;
  }

  private feedId(feed: BlogFeed): number {
    let id = this.feedIds.get(feed);
    if (id === undefined) {
      id = this.nextFeedId;
      this.nextFeedId += 1;
      this.feedIds.set(feed, id);
    }
    return id;
  }

  private reuse(key: string): ReadyAnswer | null {
    const kept = this.kept.get(key);
    if (kept === undefined) return null;
    // Used again: it moves to the end, away from eviction.
    this.kept.delete(key);
    this.kept.set(key, kept);
    return this.give(kept);
  }

  private give(answer: Kept): ReadyAnswer {
    this.deps.metrics?.catchUpAnswers.inc(answer.source);
    return answer;
  }

  private keep(key: string, answer: Kept): Kept {
    const bytes = answer.ack.size;
    if (bytes > MAX_KEPT_BYTES) return answer;
    const before = this.kept.get(key);
    if (before !== undefined) {
      this.kept.delete(key);
      this.keptBytes -= before.ack.size;
    }
    for (const [oldest, old] of this.kept) {
      if (this.kept.size < MAX_KEPT_ANSWERS && this.keptBytes + bytes <= MAX_KEPT_BYTES) break;
      this.kept.delete(oldest);
      this.keptBytes -= old.ack.size;
    }
    this.kept.set(key, answer);
    this.keptBytes += bytes;
    return answer;
  }
}

function encode(answer: SubscribeAck): EncodedAck {
  return new EncodedAck(JSON.stringify(answer));
}
