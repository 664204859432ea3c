import type { BlogId } from '../../shared/index.js';
import type { EventBus } from './event-bus.js';

/**
 * In-process twin of the Redis pub/sub bus, for the embedded single-instance mode.
 * Delivery is asynchronous, like Redis: a publish never runs the consumer inside the
 * publisher's call stack.
 *
 * @example
 * const bus = new MemoryBus();
 * const store = new MemoryStore({ bus, logMax: 10_000 });
 */
export class MemoryBus implements EventBus {
  private readonly subscribed = new Set<BlogId>();
  private handler: (blogId: BlogId, raw: string) => void = () => {};
  private closed = false;

  /** Called by the in-memory store inside its atomic write, as Redis' PUBLISH would be. */
  publish(blogId: BlogId, raw: string): void {
    if (this.closed || !this.subscribed.has(blogId)) return;
    queueMicrotask(() => {
      if (!this.closed && this.subscribed.has(blogId)) this.handler(blogId, raw);
    });
  }

  async subscribe(blogId: BlogId): Promise<void> {
    this.subscribed.add(blogId);
  }

  async unsubscribe(blogId: BlogId): Promise<void> {
    this.subscribed.delete(blogId);
  }

  onMessage(handler: (blogId: BlogId, raw: string) => void): void {
    this.handler = handler;
  }

  onResubscribed(): void {
    // an in-process bus never loses its connection
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribed.clear();
  }
}
