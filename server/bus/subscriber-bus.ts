import { BlogId } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { EventBus } from './event-bus.js';

const CHANNEL = /^lb:\{(.+)\}:events$/;

/**
 * What the Redis buses share, whatever carries the messages (SUBSCRIBE on one connection, SSUBSCRIBE
 * on a Cluster's shards): the set of wanted blogs (the bus restores them itself, ioredis' automatic
 * re-subscription is off), a subscribe that resolves only once Redis confirmed it, delivery that
 * drops foreign and unwanted messages and survives a throwing consumer, and the "resubscribed"
 * notice the relay answers by reading what it missed from the store.
 *
 * @example
 * class MyBus extends SubscriberBus {
 *   protected sendSubscribe(blogId) { return redis.subscribe(channelFor(blogId)).then(() => {}); }
 *   ...
 * }
 */
export abstract class SubscriberBus implements EventBus {
  protected readonly wanted = new Set<BlogId>();
  protected closed = false;
  private handler: (blogId: BlogId, raw: string) => void = () => {};
  private resubscribed: (blogIds?: readonly BlogId[]) => void = () => {};

  protected constructor(protected readonly log: Logger) {}

  async subscribe(blogId: BlogId): Promise<void> {
    if (this.closed) throw new AppError('store_unavailable', 'the event bus is closed');
    const known = this.wanted.has(blogId);
    this.wanted.add(blogId);
    try {
      // Sent even when already wanted: resolving means Redis confirmed it.
      await this.sendSubscribe(blogId);
    } catch (err) {
      if (!known) this.wanted.delete(blogId);
      throw new AppError('store_unavailable', 'the event bus cannot be reached', { cause: err });
    }
  }

  async unsubscribe(blogId: BlogId): Promise<void> {
    // Forgotten first: late messages are dropped and a reconnection will not restore it.
    this.wanted.delete(blogId);
    try {
      await this.sendUnsubscribe(blogId);
    } catch (err) {
      this.log.debug({ blogId, err }, 'unsubscribe not confirmed; the channel is dropped on reconnection anyway');
    }
  }

  onMessage(handler: (blogId: BlogId, raw: string) => void): void {
    this.handler = handler;
  }

  onResubscribed(handler: (blogIds?: readonly BlogId[]) => void): void {
    this.resubscribed = handler;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wanted.clear();
    await this.disconnect();
  }

  /** Subscribes on Redis; resolves once Redis confirmed it. */
  protected abstract sendSubscribe(blogId: BlogId): Promise<void>;
  protected abstract sendUnsubscribe(blogId: BlogId): Promise<void>;
  /** Closes the connection(s) the bus owns. */
  protected abstract disconnect(): Promise<void>;

  /** Hands a message to the consumer when it is a wanted blog's. */
  protected deliver(channel: string, message: string): void {
    const blogId = blogIdOfChannel(channel);
    if (blogId === null || !this.wanted.has(blogId)) return;
    try {
      this.handler(blogId, message);
    } catch (err) {
      // The consumer's bug must not take the connection's event loop down with it.
      this.log.error({ blogId, err }, 'message handler threw; message dropped');
    }
  }

  /** Tells the consumer that delivery may have had a gap (for these blogs, or all when undefined) and is restored. */
  protected notifyResubscribed(blogIds?: readonly BlogId[]): void {
    if (this.closed) return;
    try {
      this.resubscribed(blogIds);
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
