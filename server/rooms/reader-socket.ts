import type { Server, Socket } from 'socket.io';
import type { BlogId, ClientEvents, ServerEvents } from '../../shared/index.js';

/** Per-socket state, kept small: it is multiplied by every connected reader. */
export interface ReaderData {
  /** Blogs this socket holds (counted against the per-socket limit, including ones being answered). */
  blogs: Set<BlogId>;
  /** Requests of this socket run one after another, so a re-subscribe never races the one before. */
  queue: Promise<void>;
  queued: number;
}

export type ReaderServer = Server<ClientEvents, ServerEvents, Record<string, never>, ReaderData>;
export type ReaderSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, ReaderData>;
