import type { BlogEvent, BlogId } from '../../shared/index.js';
import type { EventBus } from '../bus/event-bus.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import type { EventStore } from '../store/event-store.js';
import { BlogFeed } from './blog-feed.js';

export interface RelayOptions {
  store: EventStore;
  bus: EventBus;
  /** Delivers one event to this instance's readers of its blog (the Socket.IO room). */
  emit: (event: BlogEvent) => void;
  logger: Logger;
  /** Recent events kept per blog to answer catch-ups from memory. */
  cacheSize?: number;
  /** How long a blog with no readers stays subscribed, so a reload does not churn SUBSCRIBEs. */
  idleUnsubscribeMs?: number;
  maxCatchUpEvents?: number;
  /** Counts gap fills, epoch changes and pub/sub resubscriptions. */
  metrics?: Metrics;
}

interface Slot {
  feed: BlogFeed;
  ready: Promise<BlogFeed>;
  holders: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * The per-instance relay: subscribes (on the bus) to the blogs that have readers on
 * this instance, and hands each blog's events to its room in order, exactly once,
 * filling from the store whatever pub/sub missed.
 *
 * @example
 * const relay = new Relay({ store, bus, emit: (e) => io.to(roomOf(e.blogId)).emit('update', e), logger });
 * const feed = await relay.acquire('election-night');
 * // ... later
 * relay.release('election-night');
 */
export class Relay {
  private readonly slots = new Map<BlogId, Slot>();
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly opts: RelayOptions) {
    this.log = opts.logger.child({ module: 'relay' });
    opts.bus.onMessage((blogId, raw) => {
      // A message for a blog we no longer follow is simply late; nothing to do.
      this.slots.get(blogId)?.feed.receive(raw);
    });
    opts.bus.onResubscribed((blogIds) => {
      const feeds = blogIds === undefined ? [...this.slots.values()] : blogIds.flatMap((blogId) => this.slots.get(blogId) ?? []);
      this.log.info({ blogs: feeds.length }, 'bus resubscribed; reading missed events from the store');
      opts.metrics?.pubsubResubscriptions.inc();
      for (const slot of feeds) slot.feed.resync();
    });
  }

  /**
   * Takes a hold on the blog's feed, subscribing and starting it on first use.
   * Every `acquire` that resolves must be matched by one `release`.
   * Throws AppError `blog_not_found` or `store_unavailable`.
   */
  async acquire(blogId: BlogId): Promise<BlogFeed> {
    if (this.closed) throw new AppError('store_unavailable', 'the server is shutting down');
    let slot = this.slots.get(blogId);
    if (slot === undefined) {
      const feed = new BlogFeed({
        blogId,
        store: this.opts.store,
        emit: this.opts.emit,
        logger: this.log,
        cacheSize: this.opts.cacheSize ?? 1024,
        maxCatchUpEvents: this.opts.maxCatchUpEvents ?? 10_000,
        metrics: this.opts.metrics,
      });
      const created: Slot = { feed, holders: 0, ready: this.startFeed(feed) };
      slot = created;
      this.slots.set(blogId, created);
      created.ready.catch(() => {
        if (this.slots.get(blogId) === created) this.drop(blogId, created);
      });
    }
    slot.holders += 1;
    clearTimeout(slot.idleTimer);
    try {
      return await slot.ready;
    } catch (err) {
      slot.holders -= 1;
      throw err;
    }
  }

  /** Gives back a hold taken by `acquire`. The last one unsubscribes after the idle delay. */
  release(blogId: BlogId): void {
    const slot = this.slots.get(blogId);
    if (slot === undefined) return;
    slot.holders = Math.max(0, slot.holders - 1);
    if (slot.holders > 0) return;
    const idleMs = this.opts.idleUnsubscribeMs ?? 30_000;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.holders === 0 && this.slots.get(blogId) === slot) this.drop(blogId, slot);
    }, idleMs);
    slot.idleTimer.unref();
  }

  /** The started feed of a blog this instance holds, if any. */
  feedOf(blogId: BlogId): BlogFeed | undefined {
    const slot = this.slots.get(blogId);
    return slot !== undefined && slot.feed.position() !== null ? slot.feed : undefined;
  }

  /** Blogs this instance currently relays. */
  blogs(): BlogId[] {
    return [...this.slots.keys()];
  }

  close(): void {
    this.closed = true;
    for (const [blogId, slot] of this.slots) this.drop(blogId, slot);
  }

  private async startFeed(feed: BlogFeed): Promise<BlogFeed> {
    // Subscribe first, then read the position: an event is either before the read or delivered after it.
    await this.opts.bus.subscribe(feed.blogId);
    const found = await feed.start();
    if (!found) throw new AppError('blog_not_found', `no blog "${feed.blogId}"`);
    return feed;
  }

  private drop(blogId: BlogId, slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.feed.close();
    this.slots.delete(blogId);
    this.opts.bus.unsubscribe(blogId).catch((err: unknown) => {
      this.log.warn({ err, blogId }, 'unsubscribing from the bus failed');
    });
  }
}
