import type { BlogId } from '../../shared/index.js';

/**
 * The receiving side of pub/sub fan-out: one per server instance. The store
 * publishes (inside its atomic write); the bus delivers each blog's raw event
 * JSON to this instance while it is subscribed to that blog.
 *
 * Messages are raw strings on purpose: the consumer (the relay) validates them and
 * drops what is malformed, so a bad message can never throw inside the bus.
 */
export interface EventBus {
  /** Resolves once messages for the blog are being delivered. Idempotent. */
  subscribe(blogId: BlogId): Promise<void>;
  unsubscribe(blogId: BlogId): Promise<void>;
  /** Sets the one consumer of messages. */
  onMessage(handler: (blogId: BlogId, raw: string) => void): void;
  /**
   * Called after delivery may have had a gap (the bus lost a connection, or on a Cluster a blog's slot
   * moved or its primary failed over) and is delivering again (those subscriptions confirmed):
   * anything published meanwhile was missed and must be read from the store. `blogIds` names the
   * blogs concerned; undefined means every subscribed blog.
   */
  onResubscribed(handler: (blogIds?: readonly BlogId[]) => void): void;
  close(): Promise<void>;
}

/** The channel a blog's events are published on. The hash tag keeps it in the blog's slot. */
export function channelFor(blogId: BlogId): string {
  return `lb:{${blogId}}:events`;
}
