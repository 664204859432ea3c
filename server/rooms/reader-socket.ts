import type { Server, Socket } from 'socket.io';
import type { BlogId, ClientEvents, ServerEvents } from '../../shared/index.js';

/** Per-socket state, kept small: it is multiplied by every connected reader. */
export interface ReaderData {
  /**
   * Blogs this socket holds, counted against the per-socket limit, including ones being
   * answered. Nearly always one: a short array costs less than a Set.
   */
  blogs: BlogId[];
  /**
   * The last of this socket's waiting requests, which run one after another so a re-subscribe
   * never races the one before; undefined when none is waiting.
   */
  queue: Promise<void> | undefined;
  queued: number;
}

export type ReaderServer = Server<ClientEvents, ServerEvents, Record<string, never>, ReaderData>;
export type ReaderSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, ReaderData>;
