import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { BlogEvent, ReaderCount, type BlogId, type ClientEvents, type ServerEvents } from '../../shared/index.js';
import { reconnectDelay, RECONNECT_SCHEDULE, type ReconnectSchedule } from './backoff.js';
import type { SyncLink } from './blog-sync.js';
import { deriveConnectionState } from './connection-state.js';
import { defaultEnvironment, watchEnvironment, type EnvironmentWatch } from './environment.js';
import { FollowedBlog } from './live-blog.js';
import { Listeners } from './listeners.js';
import { fetchOlderPage } from './older-page.js';
import type { ConnectOptions, ConnectionState, LiveBlog, LiveClient, SubscribeOptions } from './types.js';

type LiveSocket = Socket<ServerEvents, ClientEvents>;

/** A subscribe answer slower than this is given up and asked again (the server's own limit is ~15 s). */
const ACK_TIMEOUT_MS = 20_000;

const SOCKET_DEFAULTS: Partial<ManagerOptions & SocketOptions> = {
  // WebSocket first; long-polling when a proxy refuses WebSocket
  transports: ['websocket', 'polling'],
  tryAllTransports: true,
  // one connection per client: no manager shared through socket.io's global cache
  forceNew: true,
};

/**
 * Connects to a liveblog server. Blogs followed with `subscribe` stay current across
 * reconnects, restarts, hidden tabs and offline spells.
 *
 * @example
 * const client = connect({ url: 'https://live.example.com' });
 * const blog = client.subscribe('storm', { from: { snapshot: page, position: page.position } });
 * blog.onChange((change) => render(change.state));
 * client.onConnection((state) => indicator.dataset.state = state);
 */
export function connect(options: ConnectOptions = {}): LiveClient {
  return new Client(options);
}

class Client implements LiveClient {
  private readonly socket: LiveSocket;
  private readonly origin: string;
  private readonly fetchFn: typeof fetch;
  private readonly blogs = new Map<BlogId, FollowedBlog>();
  private readonly listeners = new Listeners<ConnectionState>();
  private readonly watch: EnvironmentWatch;
  private readonly link: SyncLink;
  private current: ConnectionState;
  private firstConnect = true;
  private readonly schedule: ReconnectSchedule;
  /** Reconnect attempts that failed since the connection was last up. */
  private failedAttempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(options: ConnectOptions) {
    this.origin = resolveOrigin(options.url);
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.schedule = { ...RECONNECT_SCHEDULE, ...options.reconnect };
    // Reconnecting is this client's own (`reconnectDelay`): socket.io's backoff cannot spread a storm.
    const socketOptions = { ...SOCKET_DEFAULTS, ...options.socket, autoConnect: false, reconnection: false };
    this.socket = options.url === undefined ? io(socketOptions) : io(this.origin, socketOptions);
    this.link = {
      connected: () => this.socket.connected,
      send: (request, answer, fail) => {
        this.socket.timeout(ACK_TIMEOUT_MS).emit('subscribe', request, (err: Error | null, raw: unknown) => {
          if (err) fail(err);
          else answer(raw);
        });
      },
    };
    this.watch = watchEnvironment(options.environment ?? defaultEnvironment(), {
      visible: () => this.onVisible(),
      online: () => {
        this.reconnectNow();
        this.refresh();
      },
      offline: () => this.refresh(),
    });
    this.current = this.derive();
    this.listen();
    this.socket.connect();
  }

  get connection(): ConnectionState {
    return this.current;
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.listeners.add(listener);
  }

  subscribe(blogId: BlogId, options: SubscribeOptions = {}): LiveBlog {
    if (this.closed) throw new Error('this live client is closed');
    const held = this.blogs.get(blogId);
    // a blog refused for good is replaced: subscribing again is how a UI retries it
    if (held !== undefined && held.error === undefined) return held;
    held?.dispose();
    const blog = new FollowedBlog(blogId, options.from, {
      link: this.link,
      loadPage: (id, cursor) => fetchOlderPage(this.fetchFn, this.origin, id, cursor),
      activity: () => this.refresh(),
      closed: (closing) => this.forget(closing),
    });
    this.blogs.set(blogId, blog);
    blog.sync.resync();
    this.refresh();
    return blog;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.watch.dispose();
    for (const blog of this.blogs.values()) blog.dispose();
    this.blogs.clear();
    this.listeners.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private listen(): void {
    this.socket.on('connect', () => {
      this.firstConnect = false;
      this.failedAttempts = 0;
      for (const blog of this.blogs.values()) blog.sync.resync();
      this.refresh();
    });
    this.socket.on('connect_error', () => {
      this.firstConnect = false;
      this.failedAttempts += 1;
      this.reconnectLater();
      this.refresh();
    });
    this.socket.on('disconnect', (reason) => {
      for (const blog of this.blogs.values()) blog.sync.disconnected();
      // Lost, timed out, cut for reading too slowly, or closed by an instance shutting down
      // (behind a load balancer another one answers): come back, spread over the window.
      if (reason !== 'io client disconnect') this.reconnectLater();
      this.refresh();
    });
    this.socket.on('update', (raw: unknown) => {
      const parsed = BlogEvent.safeParse(raw);
      if (parsed.success) this.blogs.get(parsed.data.blogId)?.update(parsed.data);
    });
    this.socket.on('readers', (raw: unknown) => {
      const parsed = ReaderCount.safeParse(raw);
      if (parsed.success) this.blogs.get(parsed.data.blogId)?.readersChanged(parsed.data.count);
    });
  }

  private onVisible(): void {
    // a hidden tab may have lost its socket or been throttled past events: check, do not trust
    if (!this.socket.connected) {
      this.reconnectNow();
      return;
    }
    for (const blog of this.blogs.values()) blog.checkPosition();
  }

  /** The next attempt, after `reconnectDelay` for the attempts that failed so far. */
  private reconnectLater(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.socket.connect();
    }, reconnectDelay(this.failedAttempts, this.schedule));
  }

  /** Connects now instead of waiting for the scheduled attempt. */
  private reconnectNow(): void {
    if (this.closed || this.socket.connected) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    // disconnect() abandons an attempt in progress (and emits nothing while not connected)
    this.socket.disconnect();
    this.socket.connect();
  }

  private forget(blog: FollowedBlog): void {
    if (this.blogs.get(blog.blogId) !== blog) return;
    this.blogs.delete(blog.blogId);
    if (this.socket.connected) this.socket.emit('unsubscribe', { blogId: blog.blogId });
    this.refresh();
  }

  private derive(): ConnectionState {
    let syncing = false;
    for (const blog of this.blogs.values()) syncing ||= blog.sync.syncing;
    return deriveConnectionState({
      online: this.watch.online,
      connected: this.socket.connected,
      firstConnect: this.firstConnect,
      syncing,
    });
  }

  private refresh(): void {
    if (this.closed) return;
    const next = this.derive();
    if (next === this.current) return;
    this.current = next;
    this.listeners.emit(next);
  }
}

/** The server origin without a trailing slash; '' for the page's own origin (relative URLs). */
function resolveOrigin(url: string | undefined): string {
  if (url !== undefined) return url.replace(/\/+$/, '');
  if (typeof (globalThis as { location?: unknown }).location === 'undefined') {
    throw new Error('connect: `url` is required outside a browser');
  }
  return '';
}
