import type { Cluster } from 'ioredis';
import type { BlogId } from '../../shared/index.js';
import type { Logger } from '../log/logger.js';
import { channelFor } from './event-bus.js';
import { SubscriberBus, blogIdOfChannel } from './subscriber-bus.js';

const RESTORE_RETRY_MS = 500;

/**
 * ioredis' error when a reply arrives that no command waits for (DataHandler#shiftCommand). Redis 7
 * pushes an unasked `sunsubscribe` for every channel of a slot that left the node; ioredis 5 reads it
 * as a reply and reports it this way on the shard's subscriber connection.
 */
const PUSHED_UNSUBSCRIBE = /Last reply: sunsubscribe,([^,]+),/;

/**
 * The pub/sub side of the store on a Redis Cluster: SSUBSCRIBE on the shard that owns each blog's
 * slot (ioredis' sharded subscribers, one connection per primary, on a Cluster connection of the
 * bus's own), so an event travels only to its shard. Delivery may have a gap when a shard's
 * subscriber connection drops (a primary died), when a blog's slot moves to another primary (Redis
 * unsubscribes its channels) or when a failover hands it to a replica; after each, the bus
 * re-subscribes the blogs concerned on the slot's current owner, waits for the confirmation, and only
 * then tells the consumer which blogs to read from the store. Closing the bus closes the Cluster.
 *
 * @example
 * const bus = new ShardedBus({ cluster: await createRedisCluster(target, { name: 'liveblog-sub', logger, shardedSubscribers: true }), logger });
 * await bus.subscribe('election-night');
 */
export class ShardedBus extends SubscriberBus {
  private readonly cluster: Cluster;
  /** Each wanted blog's hash slot, asked of the cluster once. */
  private readonly slots = new Map<BlogId, number>();
  /** The node (`host:port`) each blog's subscription was last confirmed on. */
  private readonly confirmedOn = new Map<BlogId, string>();
  /** Blogs whose delivery may have a gap until they are re-subscribed. */
  private readonly lost = new Set<BlogId>();
  private restoring = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(opts: { cluster: Cluster; logger: Logger }) {
    super(opts.logger.child({ module: 'sharded-bus' }));
    this.cluster = opts.cluster;
    this.cluster.on('smessage', (channel: string, message: string) => this.deliver(channel, message));
    // The subscriber group reports a shard connection that ended with its node key (the data
    // connections' '-node' carries none).
    this.cluster.on('-node', (_redis: unknown, nodeKey?: unknown) => {
      if (typeof nodeKey === 'string') this.lose(this.blogsOn(nodeKey), `subscriber connection to ${nodeKey} ended`);
    });
    this.cluster.on('nodeError', (err: unknown) => {
      const blogId = pushedUnsubscribe(err);
      if (blogId === null) return;
      this.lose([blogId], 'its slot moved (Redis unsubscribed the channel)');
    });
    // After every slot map refresh (MOVED, a dropped node, and every slotsRefreshInterval): a blog
    // whose slot is now served by another node than the one it was confirmed on has moved or failed over.
    this.cluster.on('refresh', () => {
      const moved = [...this.confirmedOn].filter(([blogId, node]) => this.ownerOf(blogId) !== node).map(([blogId]) => blogId);
      this.lose(moved, 'its slot is served by another node');
      this.restoreSoon();
    });
    this.cluster.on('subscribersReady', () => this.restoreSoon());
  }

  protected async sendSubscribe(blogId: BlogId): Promise<void> {
    await this.confirm(blogId);
  }

  protected async sendUnsubscribe(blogId: BlogId): Promise<void> {
    this.slots.delete(blogId);
    this.confirmedOn.delete(blogId);
    this.lost.delete(blogId);
    await this.cluster.sunsubscribe(channelFor(blogId));
  }

  protected async disconnect(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.cluster.disconnect();
  }

  /** SSUBSCRIBE on the slot's owner; resolves with the owner once it confirmed. */
  private async confirm(blogId: BlogId): Promise<void> {
    const channel = channelFor(blogId);
    let slot = this.slots.get(blogId);
    if (slot === undefined) {
      slot = Number(await this.cluster.cluster('KEYSLOT', channel));
      this.slots.set(blogId, slot);
    }
    const owner = this.ownerOf(blogId);
    // A shard that moved the slot away answers MOVED, which ioredis does not settle: the command timeout rejects it.
    await this.cluster.ssubscribe(channel);
    if (!this.wanted.has(blogId)) {
      // Unsubscribed while this was on its way (a restore racing a release): do not leave it behind.
      await this.cluster.sunsubscribe(channel).catch(() => undefined);
      return;
    }
    if (owner !== undefined) this.confirmedOn.set(blogId, owner);
  }

  private ownerOf(blogId: BlogId): string | undefined {
    const slot = this.slots.get(blogId);
    return slot === undefined ? undefined : this.cluster.slots[slot]?.[0];
  }

  private blogsOn(nodeKey: string): BlogId[] {
    return [...this.confirmedOn].filter(([, node]) => node === nodeKey).map(([blogId]) => blogId);
  }

  private lose(blogIds: readonly BlogId[], why: string): void {
    const wanted = blogIds.filter((blogId) => this.wanted.has(blogId) && !this.lost.has(blogId));
    if (wanted.length === 0 || this.closed) return;
    for (const blogId of wanted) {
      this.lost.add(blogId);
      this.confirmedOn.delete(blogId);
    }
    this.log.warn({ blogs: wanted.length, why }, 'sharded subscriptions lost; re-subscribing');
    // Re-subscribed once the slot map is fresh: sent to a node that no longer owns the slot, SSUBSCRIBE
    // would only time out (ioredis does not settle a MOVED answer to it).
    this.cluster.refreshSlotsCache(() => this.restoreSoon());
  }

  private restoreSoon(): void {
    if (this.lost.size === 0 || this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.restore(), 0).unref();
  }

  /** Re-subscribes the lost blogs on their slots' current owners, then lets the consumer read what they missed. */
  private async restore(): Promise<void> {
    if (this.restoring || this.closed || this.lost.size === 0) return;
    this.restoring = true;
    const attempt = [...this.lost];
    const outcomes = await Promise.allSettled(attempt.map((blogId) => this.confirm(blogId)));
    this.restoring = false;
    if (this.closed) return;
    const restored = attempt.filter((blogId, i) => outcomes[i]?.status === 'fulfilled' && this.wanted.has(blogId));
    for (const blogId of restored) this.lost.delete(blogId);
    for (const blogId of attempt) if (!this.wanted.has(blogId)) this.lost.delete(blogId);
    if (restored.length > 0) {
      this.log.info({ blogs: restored.length }, 'sharded subscriptions re-established');
      this.notifyResubscribed(restored);
    }
    if (this.lost.size > 0) {
      this.log.debug({ blogs: this.lost.size }, 're-subscribing failed; will retry');
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.cluster.refreshSlotsCache(() => void this.restore()), RESTORE_RETRY_MS).unref();
    }
  }
}

/**
 * The blog whose channel Redis unsubscribed by itself (its slot left the node), from the error
 * ioredis reports it as; null for any other error.
 *
 * @example
 * pushedUnsubscribe(new Error('Command queue state error. ... Last reply: sunsubscribe,lb:{election}:events,0')) // 'election'
 */
export function pushedUnsubscribe(err: unknown): BlogId | null {
  const match = err instanceof Error ? PUSHED_UNSUBSCRIBE.exec(err.message) : null;
  return match?.[1] === undefined ? null : blogIdOfChannel(match[1]);
}
