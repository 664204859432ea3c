import type { BlogEvent, BlogId, BlogPage, Cursor } from '../../shared/index.js';
import type { BlogState } from '../state/index.js';
import { BlogSync, type SyncLink } from './blog-sync.js';
import { Listeners } from './listeners.js';
import type { BlogChange, LiveBlog, LiveBlogError, LoadOlderResult, SubscribeFrom } from './types.js';

/** What a followed blog needs from its client. */
export interface BlogHost {
  link: SyncLink;
  /** Fetches the page after `cursor`; see `fetchOlderPage`. */
  loadPage(blogId: BlogId, cursor: Cursor): Promise<BlogPage>;
  /** Some blog's activity changed: the connection state may have. */
  activity(): void;
  /** The blog was closed by its owner. */
  closed(blog: FollowedBlog): void;
}

/**
 * A blog followed through one client: the `LiveBlog` handed to the UI, with the
 * entry points the client feeds (updates, reader counts, reconnects).
 *
 * @example
 * const blog = new FollowedBlog('storm', undefined, host);
 * blog.onChange((c) => render(c.state));
 */
export class FollowedBlog implements LiveBlog {
  readonly sync: BlogSync;
  private count: number | undefined;
  private readonly changes = new Listeners<BlogChange>();
  private readonly counts = new Listeners<number>();
  private readonly errors = new Listeners<LiveBlogError>();
  private loading: Promise<LoadOlderResult> | undefined;
  private closed = false;

  constructor(
    readonly blogId: BlogId,
    from: SubscribeFrom | undefined,
    private readonly host: BlogHost,
  ) {
    let reported: LiveBlogError | undefined;
    this.sync = new BlogSync(blogId, from, host.link, {
      change: (change) => this.changes.emit(change),
      activity: () => {
        const error = this.sync.error;
        if (error !== undefined && error !== reported) {
          reported = error;
          this.errors.emit(error);
        }
        host.activity();
      },
    });
  }

  get state(): BlogState | undefined {
    return this.sync.state;
  }

  get readers(): number | undefined {
    return this.count;
  }

  get error(): LiveBlogError | undefined {
    return this.sync.error;
  }

  onChange(listener: (change: BlogChange) => void): () => void {
    return this.changes.add(listener);
  }

  onReaders(listener: (count: number) => void): () => void {
    return this.counts.add(listener);
  }

  onError(listener: (error: LiveBlogError) => void): () => void {
    return this.errors.add(listener);
  }

  loadOlder(): Promise<LoadOlderResult> {
    // one page at a time: a second call while one loads would only be stale
    this.loading ??= this.loadNext().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  checkPosition(): void {
    if (!this.closed) this.sync.resync();
  }

  close(): void {
    if (this.closed) return;
    this.dispose();
    this.host.closed(this);
  }

  /** Stops everything without telling the client (which is closing itself). */
  dispose(): void {
    this.closed = true;
    this.sync.stop();
    this.changes.clear();
    this.counts.clear();
    this.errors.clear();
  }

  /** An `update` for this blog. */
  update(event: BlogEvent): void {
    this.sync.onUpdate(event);
  }

  /** A `readers` count for this blog. */
  readersChanged(count: number): void {
    if (this.closed || count === this.count) return;
    this.count = count;
    this.counts.emit(count);
  }

  private async loadNext(): Promise<LoadOlderResult> {
    const state = this.sync.state;
    if (state === undefined || this.closed) return 'stale';
    const cursor = state.olderCursor;
    if (cursor === null) return 'end';
    const page = await this.host.loadPage(this.blogId, cursor);
    return this.sync.mergeOlder(page, cursor) ? 'loaded' : 'stale';
  }
}
