import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { BlogEvent, BlogId, Entry, Position, Snapshot, SocketErrorCode } from '../../shared/index.js';
import type { BlogState } from '../state/index.js';
import type { ReconnectSchedule } from './backoff.js';

/**
 * What the reader UI shows about the connection:
 * - `live`: connected and every blog is up to date;
 * - `catching-up`: connecting for the first time, or a subscribe / catch-up is in flight;
 * - `reconnecting`: the connection dropped (or could not be made) while the browser is online;
 * - `offline`: the browser says it is offline.
 */
export type ConnectionState = 'live' | 'reconnecting' | 'catching-up' | 'offline';

/** The part of `document` the client uses: page visibility. */
export interface LiveDocument {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** The part of `window` the client uses: the browser's online/offline signal. */
export interface LiveWindow {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
  readonly navigator?: { readonly onLine: boolean };
}

/** The browser around the client; tests pass fakes, Node has none. */
export interface LiveEnvironment {
  document?: LiveDocument;
  window?: LiveWindow;
}

export interface ConnectOptions {
  /** Server origin, e.g. `https://live.example.com`. Default: the page's origin; required outside a browser. */
  url?: string;
  /**
   * Extra Socket.IO options, applied over the client's defaults. `autoConnect` and `reconnection`
   * are ignored: the client connects at once and reconnects on its own schedule (`reconnect`).
   */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** When a lost connection is made again; default `RECONNECT_SCHEDULE` (first attempt within 2.5 s). */
  reconnect?: Partial<ReconnectSchedule>;
  /** Used by `loadOlder`; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default: `globalThis.document` / `globalThis.window` when present. */
  environment?: LiveEnvironment;
}

/** Where a blog starts: the server-rendered page's snapshot and the exact position it reflects. */
export interface SubscribeFrom {
  snapshot: Snapshot;
  position: Position;
}

export interface SubscribeOptions {
  from?: SubscribeFrom;
}

/** Why a blog stopped following: the server refused it for good. */
export interface LiveBlogError {
  code: SocketErrorCode;
  message: string;
}

/**
 * One change of a blog's state. Render from `state`: it is always the truth.
 * - `reset`: the whole state was replaced (first load, epoch change, too far behind).
 * - `event`: one event changed what a reader sees; `state` is the state right after it and
 *   `previous` the entry as it was before (for edits and deletes). Events that change
 *   nothing visible (an entry deleted before it was loaded, an older version) are not reported.
 * - `older`: an older page was merged; `entries` are its entries as now held, newest first.
 */
export type BlogChange =
  | { kind: 'reset'; state: BlogState }
  | { kind: 'event'; event: BlogEvent; state: BlogState; previous: Entry | undefined }
  | { kind: 'older'; entries: Entry[]; state: BlogState };

/** `'loaded'`: a page was merged (check `state.olderCursor` for more); `'end'`: nothing older; `'stale'`: not merged. */
export type LoadOlderResult = 'loaded' | 'end' | 'stale';

export interface LiveBlog {
  readonly blogId: BlogId;
  /** Undefined until the first snapshot arrives (unless subscribed `from` a rendered page). */
  readonly state: BlogState | undefined;
  /** Readers of this blog across all instances, from the server's `readers` event. */
  readonly readers: number | undefined;
  /** Set when the server refused this blog for good (e.g. `blog_not_found`); it then follows nothing. */
  readonly error: LiveBlogError | undefined;
  onChange(listener: (change: BlogChange) => void): () => void;
  onReaders(listener: (count: number) => void): () => void;
  onError(listener: (error: LiveBlogError) => void): () => void;
  /**
   * Fetches the next older page (`GET /api/blogs/:id?cursor=`) and merges it; one page at a
   * time (a call while one loads gets the same promise). Rejects with `LiveRequestError`
   * on an error answer, or the fetch's own error when the network fails.
   */
  loadOlder(): Promise<LoadOlderResult>;
  /** Asks the server for everything after the current position now. */
  checkPosition(): void;
  /** Unsubscribes; no more changes are reported. */
  close(): void;
}

export interface LiveClient {
  readonly connection: ConnectionState;
  /** Called on every change of `connection`; returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /**
   * Follows a blog. Subscribing again to a blog already followed returns the same `LiveBlog`,
   * unless that one was refused (`error`): then it is replaced by a new attempt.
   */
  subscribe(blogId: BlogId, options?: SubscribeOptions): LiveBlog;
  /** Closes every blog and the connection. */
  close(): void;
}
