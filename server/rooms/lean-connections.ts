import type { ReaderServer } from './reader-socket.js';

/**
 * Lets go of each reader connection's HTTP handshake request once Engine.IO has opened it.
 * Readers never look at it again, and with its headers, raw headers and parser state it is
 * one of the larger objects a connection would otherwise keep for its whole life. (Socket.IO's
 * own guide on memory usage suggests this.) Socket.IO then builds `socket.handshake` without
 * headers or query, which nothing in this service reads.
 *
 * @example
 * releaseHandshakeRequests(io);
 */
export function releaseHandshakeRequests(io: ReaderServer): void {
  io.engine.on('connection', (conn: { request: unknown }) => {
    conn.request = null;
  });
}
