import type { Redis } from 'ioredis';
import type { BlogId } from '../../shared/index.js';
import type { Logger } from '../log/logger.js';
import { channelFor } from './event-bus.js';
import { SubscriberBus } from './subscriber-bus.js';

export { blogIdOfChannel } from './subscriber-bus.js';

const RESTORE_RETRY_MS = 1_000;

/**
 * The pub/sub side of the Redis store on a single Redis, on a dedicated connection (a subscribed
 * connection can run nothing else). After the connection drops it re-subscribes every wanted
 * blog, waits for Redis to confirm, and only then tells the consumer to read from the store what
 * was published meanwhile. Closing the bus closes the connection it was given.
 *
 * @example
 * const bus = new RedisBus({ redis: await createRedisConnection(url, { name: 'liveblog-sub', logger }), logger });
 * bus.onMessage((blogId, raw) => relay.receive(blogId, raw));
 * await bus.subscribe('election-night');
 */
export class RedisBus extends SubscriberBus {
  private readonly redis: Redis;
  /** Set when the connection closed: the next 'ready' must restore the subscriptions. */
  private lost = false;
  private restoring = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(opts: { redis: Redis; logger: Logger }) {
    super(opts.logger.child({ module: 'redis-bus' }));
    this.redis = opts.redis;
    this.redis.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.redis.on('close', () => {
      if (!this.closed) this.lost = true;
    });
    this.redis.on('ready', () => {
      if (this.lost) void this.restore();
    });
  }

  protected async sendSubscribe(blogId: BlogId): Promise<void> {
    await this.redis.subscribe(channelFor(blogId));
  }

  protected async sendUnsubscribe(blogId: BlogId): Promise<void> {
    await this.redis.unsubscribe(channelFor(blogId));
  }

  protected async disconnect(): Promise<void> {
    clearTimeout(this.retryTimer);
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
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
    this.notifyResubscribed();
  }
}
