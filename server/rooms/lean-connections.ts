import type { ReaderServer } from './reader-socket.js';

/**
 * Lets go of each reader connection's HTTP handshake request once Engine.IO has opened it, as
 * Socket.IO's guide on memory usage suggests: nothing here reads it again, and Socket.IO then
 * builds `socket.handshake` without headers or query. It frees the request of a long-polling
 * connection for the connection's life. A WebSocket upgrade's request stays reachable anyway:
 * Engine.IO 6.6 keeps it through the `close` listener of its WebSocketResponse (measured with
 * a heap snapshot; see docs/benchmarks.md).
 *
 * @example
 * releaseHandshakeRequests(io);
 */
export function releaseHandshakeRequests(io: ReaderServer): void {
  io.engine.on('connection', (conn: { request: unknown }) => {
    conn.request = null;
  });
}
