import type { Redis } from 'ioredis';
import { BlogId } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import { channelFor, type EventBus } from './event-bus.js';

const CHANNEL = /^lb:\{(.+)\}:events$/;
const RESTORE_RETRY_MS = 1_000;

/**
 * The pub/sub side of the Redis store, on a dedicated connection (a subscribed connection
 * can run nothing else). It keeps the set of wanted blogs itself, so after the connection
 * drops it re-subscribes all of them, waits for Redis to confirm, and only then tells the
 * consumer to read from the store what was published meanwhile. Closing the bus closes the
 * connection it was given.
 *
 * @example
 * const bus = new RedisBus({ redis: await createRedisConnection(url, { name: 'liveblog-sub', logger }), logger });
 * bus.onMessage((blogId, raw) => relay.receive(blogId, raw));
 * await bus.subscribe('election-night');
 */
export class RedisBus implements EventBus {
  private readonly redis: Redis;
  private readonly log: Logger;
  private readonly wanted = new Set<BlogId>();
  private handler: (blogId: BlogId, raw: string) => void = () => {};
  private resubscribed: () => void = () => {};
  /** Set when the connection closed: the next 'ready' must restore the subscriptions. */
  private lost = false;
  private restoring = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(opts: { redis: Redis; logger: Logger }) {
    this.redis = opts.redis;
    this.log = opts.logger.child({ module: 'redis-bus' });
    this.redis.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.redis.on('close', () => {
      if (!this.closed) this.lost = true;
    });
    this.redis.on('ready', () => {
      if (this.lost) void this.restore();
    });
  }

  async subscribe(blogId: BlogId): Promise<void> {
    if (this.closed) throw new AppError('store_unavailable', 'the event bus is closed');
    const known = this.wanted.has(blogId);
    this.wanted.add(blogId);
    try {
      // Sent even when already wanted: resolving means Redis confirmed it on this connection.
      await this.redis.subscribe(channelFor(blogId));
    } catch (err) {
      if (!known) this.wanted.delete(blogId);
      throw new AppError('store_unavailable', 'the event bus cannot be reached', { cause: err });
    }
  }

  async unsubscribe(blogId: BlogId): Promise<void> {
    // Forgotten first: late messages are dropped and a reconnection will not restore it.
    this.wanted.delete(blogId);
    try {
      await this.redis.unsubscribe(channelFor(blogId));
    } catch (err) {
      this.log.debug({ blogId, err }, 'unsubscribe not confirmed; the channel is dropped on reconnection anyway');
    }
  }

  onMessage(handler: (blogId: BlogId, raw: string) => void): void {
    this.handler = handler;
  }

  onResubscribed(handler: () => void): void {
    this.resubscribed = handler;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wanted.clear();
    clearTimeout(this.retryTimer);
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private deliver(channel: string, message: string): void {
    const blogId = blogIdOfChannel(channel);
    if (blogId === null || !this.wanted.has(blogId)) return;
    try {
      this.handler(blogId, message);
    } catch (err) {
      // The consumer's bug must not take the connection's event loop down with it.
      this.log.error({ blogId, err }, 'message handler threw; message dropped');
    }
  }

  /** Re-subscribes every wanted blog, then lets the consumer read what it missed. */
  private async restore(): Promise<void> {
    if (this.restoring || this.closed) return;
    this.restoring = true;
    this.lost = false;
    clearTimeout(this.retryTimer);
    const channels = [...this.wanted].map(channelFor);
    try {
      if (channels.length > 0) await this.redis.subscribe(...channels);
    } catch (err) {
      this.lost = true;
      this.log.warn({ err, channels: channels.length }, 're-subscribing failed; will retry');
      // If the connection dropped again, its next 'ready' retries; if not, nothing else would.
      if (this.redis.status === 'ready') this.retryTimer = setTimeout(() => void this.restore(), RESTORE_RETRY_MS).unref();
      return;
    } finally {
      this.restoring = false;
    }
    if (this.closed) return;
    this.log.info({ channels: channels.length }, 'pub/sub connection restored; subscriptions re-established');
    try {
      this.resubscribed();
    } catch (err) {
      this.log.error({ err }, 'resubscribed handler threw');
    }
  }
}

/**
 * The blog a channel belongs to, or null for a channel that is not a blog's.
 *
 * @example
 * blogIdOfChannel('lb:{election}:events') // 'election'
 */
export function blogIdOfChannel(channel: string): BlogId | null {
  const match = CHANNEL.exec(channel);
  const parsed = BlogId.safeParse(match?.[1]);
  return parsed.success ? parsed.data : null;
}
