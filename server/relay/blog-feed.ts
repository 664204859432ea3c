import { BlogEvent, type BlogId, type Epoch, type Position } from '../../shared/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import type { EventStore } from '../store/event-store.js';

/** How long a waiter lets pub/sub deliver before it asks the store itself. */
const NUDGE_AFTER_MS = 250;

export type ReachOutcome = 'reached' | 'epoch-mismatch' | 'timeout';

interface Waiter {
  position: Position;
  resolve: (outcome: ReachOutcome) => void;
  nudge: NodeJS.Timeout;
  deadline: NodeJS.Timeout;
}

export interface BlogFeedOptions {
  blogId: BlogId;
  store: EventStore;
  /** Hands one event, in order and exactly once, to this instance's readers of the blog. */
  emit: (event: BlogEvent) => void;
  logger: Logger;
  /** Recent events kept for catch-ups served without a store read. */
  cacheSize: number;
  /** Largest catch-up read from the store after a missed stretch of pub/sub. */
  maxCatchUpEvents: number;
  metrics?: Metrics;
}

/**
 * One blog's stream on one instance: turns pub/sub deliveries (which may be lost,
 * doubled or interrupted) into an in-order, gapless, exactly-once sequence of
 * events for the blog's room, reading from the store whatever pub/sub missed.
 *
 * `head` is the last seq handed to readers; `cache` holds the events
 * `(cacheBase, head]` so a reader's catch-up is usually answered from memory.
 */
export class BlogFeed {
  readonly blogId: BlogId;
  private epoch: Epoch | null = null;
  private head = 0;
  private cacheBase = 0;
  private cache: BlogEvent[] = [];
  /** Events that arrived ahead of `head + 1`, waiting for the stretch before them. */
  private readonly pending = new Map<number, BlogEvent>();
  private readonly waiters = new Set<Waiter>();
  private catching = false;
  private catchUpAgain = false;
  /** Set when pub/sub brought an event at a seq already handed out, with other content. */
  private diverged = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly opts: BlogFeedOptions) {
    this.blogId = opts.blogId;
    this.log = opts.logger.child({ blogId: opts.blogId });
  }

  /** Where this feed stands, or null before `start`. */
  position(): Position | null {
    return this.epoch === null ? null : { epoch: this.epoch, seq: this.head };
  }

  /**
   * Starts at the store's current position. Call after the bus subscription is
   * active, so every later event reaches the feed through pub/sub or the store.
   * Returns false when the blog does not exist.
   */
  async start(): Promise<boolean> {
    const position = await this.opts.store.position(this.blogId);
    if (position === null) return false;
    this.epoch = position.epoch;
    this.head = position.seq;
    this.cacheBase = position.seq;
    await this.warmCache(position);
    this.drainPending();
    return true;
  }

  /**
   * Fills the cache with the log's recent events, so that readers coming back to a freshly
   * started instance (a restart, a deploy) are answered from memory instead of one store
   * read each. Best effort: without it the feed simply starts with an empty cache.
   */
  private async warmCache(position: Position): Promise<void> {
    const from = Math.max(0, position.seq - this.opts.cacheSize);
    if (from >= position.seq) return;
    try {
      const recent = await this.opts.store.readEvents(
        this.blogId,
        { epoch: position.epoch, after: from },
        { pageSize: 1, maxEvents: this.opts.cacheSize },
      );
      // Only a contiguous run in the same epoch that is not behind what we know can seed the cache.
      if (recent === null || recent.reset || recent.position.epoch !== this.epoch || recent.position.seq < this.head) return;
      this.head = recent.position.seq;
      this.cache = recent.events;
      this.cacheBase = recent.position.seq - recent.events.length;
    } catch (err) {
      this.log.warn({ err }, 'could not warm the recent-events cache');
    }
  }

  /**
   * Events after `after` in `epoch`, from memory; null when memory does not cover
   * them (other epoch, older than the cache, or ahead of the feed).
   *
   * @example
   * const events = feed.eventsAfter(req.epoch, req.after) ?? (await readFromStore());
   */
  eventsAfter(epoch: Epoch | undefined, after: number | undefined): BlogEvent[] | null {
    if (epoch === undefined || after === undefined || epoch !== this.epoch) return null;
    if (after < this.cacheBase || after > this.head) return null;
    return this.cache.slice(after - this.cacheBase);
  }

  /** Takes one raw pub/sub message: validates it, then applies it in order. Never throws. */
  receive(raw: string): void {
    let event: BlogEvent;
    try {
      const parsed = BlogEvent.safeParse(JSON.parse(raw));
      if (!parsed.success || parsed.data.blogId !== this.blogId) {
        this.log.warn({ bytes: raw.length }, 'dropped a malformed pub/sub message');
        return;
      }
      event = parsed.data;
    } catch {
      this.log.warn({ bytes: raw.length }, 'dropped a pub/sub message that is not JSON');
      return;
    }
    this.offer(event);
  }

  /** Resolves once the feed has handed out `position` (or moved to another epoch, or timed out). */
  reach(position: Position, timeoutMs: number): Promise<ReachOutcome> {
    const now = this.reachOutcome(position);
    if (now !== null) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve: (outcome) => {
          clearTimeout(waiter.nudge);
          clearTimeout(waiter.deadline);
          this.waiters.delete(waiter);
          resolve(outcome);
        },
        // pub/sub is normally sub-millisecond; if it is late, the store knows.
        nudge: setTimeout(() => this.catchUp(), NUDGE_AFTER_MS),
        deadline: setTimeout(() => waiter.resolve('timeout'), timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Pub/sub may have missed events (subscriber reconnected): read them from the store. */
  resync(): void {
    this.catchUp();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const waiter of [...this.waiters]) waiter.resolve('timeout');
    this.pending.clear();
    this.cache = [];
  }

  private offer(event: BlogEvent): void {
    if (this.closed) return;
    if (this.epoch === null || this.catching) {
      // Held until the store read in flight settles where the feed stands.
      if (event.epoch === this.epoch || this.epoch === null) this.pending.set(event.seq, event);
      else this.catchUpAgain = true;
      return;
    }
    if (event.epoch !== this.epoch) {
      // The log was created anew: only the store can say what the new epoch holds.
      this.catchUp();
      return;
    }
    if (event.seq <= this.head) {
      // A replay is harmless; another event at a seq readers already have means the log lost what
      // it told them (a failover to a replica that never got it) and reused the seq: readers must reset.
      const handed = this.handedAt(event.seq);
      if (handed !== undefined && !sameEvent(handed, event)) {
        this.diverged = true;
        this.catchUp();
      }
      return;
    }
    if (event.seq === this.head + 1) {
      this.hand(event);
      this.drainPending();
      return;
    }
    this.pending.set(event.seq, event);
    this.catchUp();
  }

  private hand(event: BlogEvent): void {
    this.head = event.seq;
    this.cache.push(event);
    // Trim in batches: one splice per `cacheSize` events instead of a shift per event.
    if (this.cache.length > 2 * this.opts.cacheSize) {
      const drop = this.cache.length - this.opts.cacheSize;
      this.cache.splice(0, drop);
      this.cacheBase += drop;
    }
    try {
      this.opts.emit(event);
    } catch (err) {
      this.log.error({ err, seq: event.seq }, 'emitting an event to the room failed');
    }
    this.settleWaiters();
  }

  private drainPending(): void {
    for (const [seq, event] of [...this.pending]) {
      if (seq <= this.head || event.epoch !== this.epoch) this.pending.delete(seq);
    }
    let next = this.pending.get(this.head + 1);
    while (next !== undefined) {
      this.pending.delete(next.seq);
      this.hand(next);
      next = this.pending.get(this.head + 1);
    }
  }

  private reachOutcome(position: Position): ReachOutcome | null {
    if (this.epoch === null) return null;
    if (position.epoch !== this.epoch) {
      this.catchUp();
      return null;
    }
    return this.head >= position.seq ? 'reached' : null;
  }

  private settleWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.position.epoch === this.epoch && this.head >= waiter.position.seq) waiter.resolve('reached');
    }
  }

  private adoptEpoch(epoch: Epoch): void {
    this.opts.metrics?.epochChanges.inc('adopted');
    this.log.warn({ from: this.epoch, to: epoch }, 'blog log has a new epoch; relaying it from its start');
    this.epoch = epoch;
    this.head = 0;
    this.cacheBase = 0;
    this.cache = [];
    this.pending.clear();
    for (const waiter of [...this.waiters]) {
      if (waiter.position.epoch !== epoch) waiter.resolve('epoch-mismatch');
    }
  }

  /** The event this feed handed out at `seq`, while it still holds it. */
  private handedAt(seq: number): BlogEvent | undefined {
    return seq > this.cacheBase ? this.cache[seq - this.cacheBase - 1] : undefined;
  }

  /** Starts a new epoch (if no instance did meanwhile): every reader resets to what the store holds. */
  private async rotate(epoch: Epoch, figures: Record<string, number>, message: string): Promise<void> {
    this.log.error({ epoch, ...figures }, message);
    await this.opts.store.rotateEpoch(this.blogId, epoch);
    this.opts.metrics?.epochChanges.inc('rotated');
    this.catchUpAgain = true;
  }

  /** Reads from the store what pub/sub did not deliver. One at a time; re-runs when asked meanwhile. */
  private catchUp(): void {
    if (this.closed) return;
    if (this.catching) {
      this.catchUpAgain = true;
      return;
    }
    this.catching = true;
    void this.runCatchUp().finally(() => {
      this.catching = false;
    });
  }

  private async runCatchUp(): Promise<void> {
    let rounds = 0;
    try {
      do {
        this.catchUpAgain = false;
        await this.catchUpOnce();
        rounds += 1;
      } while (this.catchUpAgain && !this.closed && rounds < 10);
    } catch (err) {
      this.log.warn({ err }, 'catch-up from the store failed; retrying');
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.catchUp(), 500);
    }
  }

  private async catchUpOnce(): Promise<void> {
    if (this.epoch === null) return;
    if (this.diverged) {
      this.diverged = false;
      await this.rotate(this.epoch, { relayedSeq: this.head }, 'blog log holds another event at a seq readers already have; rotating its epoch');
      return;
    }
    this.opts.metrics?.gapFills.inc();
    // The read starts one event early when the feed still holds its head: if the store's event there
    // is another one, the log lost events and took new ones at the same seqs since we last read it.
    const check = this.handedAt(this.head);
    const asked = { epoch: this.epoch, after: check === undefined ? this.head : this.head - 1 };
    const result = await this.opts.store.readEvents(this.blogId, asked, {
      pageSize: 1,
      maxEvents: this.opts.maxCatchUpEvents,
    });
    if (this.closed) return;
    if (result === null) {
      this.log.warn('blog vanished from the store; waiting for it to come back');
      return;
    }
    if (!result.reset) {
      if (check !== undefined) {
        const stored = result.events[0];
        if (stored === undefined || stored.seq !== check.seq || !sameEvent(stored, check)) {
          await this.rotate(asked.epoch, { relayedSeq: this.head, storeSeq: stored === undefined ? asked.after : stored.seq }, 'blog log lost events readers already have; rotating its epoch');
          return;
        }
      }
      for (const event of result.events) {
        if (event.epoch === this.epoch && event.seq === this.head + 1) this.hand(event);
      }
      this.drainPending();
      if (this.pending.size > 0) this.catchUpAgain = true;
      return;
    }
    const at = result.position;
    if (at.epoch !== asked.epoch) {
      this.adoptEpoch(at.epoch);
      this.catchUpAgain = true;
      return;
    }
    if (at.seq < asked.after) {
      // Same epoch but fewer events than we already handed out: Redis came back from an
      // older snapshot. New events would reuse seqs readers already have, so start a new epoch.
      await this.rotate(at.epoch, { storeSeq: at.seq, relayedSeq: this.head }, 'blog log went backwards; rotating its epoch');
      return;
    }
    // Missed more than the log retains: jump ahead. Readers see the next event as a gap and reset.
    this.log.warn({ from: this.head, to: at.seq }, 'missed more events than can be replayed; jumping ahead');
    this.head = at.seq;
    this.cacheBase = at.seq;
    this.cache = [];
    this.drainPending();
    this.settleWaiters();
  }
}

/** Two events at the same position are the same event when every field is (both parsed by the same schema). */
function sameEvent(a: BlogEvent, b: BlogEvent): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
