import type { DisconnectReason as SocketIoReason } from 'socket.io';
import type { DisconnectReason, Metrics } from '../metrics/index.js';
import type { EngineConnection } from './engine-connection.js';
import type { ReaderServer, ReaderSocket } from './reader-socket.js';

/** What else is known about a connection when it closes. */
export interface DisconnectContext {
  /** This instance cut it for being too slow (`slow-readers.ts`). */
  cut: boolean;
  /** It sent something Socket.IO could not decode. */
  brokeProtocol: boolean;
  /** `Application.close()` is under way. */
  shuttingDown: boolean;
}

/** ws' words for a message over `maxPayload`, which Engine.IO passes on as the close description. */
const OVERSIZED = /max payload size exceeded/i;

/** True when a `transport error` close was a message over Socket.IO's `maxHttpBufferSize`. */
export function wasOversized(reason: string, description: unknown): boolean {
  return reason === 'transport error' && description instanceof Error && OVERSIZED.test(description.message);
}

/**
 * Maps Socket.IO's disconnect reason (and what else is known) to the closed set the
 * `liveblog_reader_disconnects_total` metric counts.
 *
 * @example
 * readerDisconnectReason('ping timeout', undefined, { cut: false, brokeProtocol: false, shuttingDown: false }); // 'heartbeat'
 */
export function readerDisconnectReason(reason: SocketIoReason | string, description: unknown, context: DisconnectContext): DisconnectReason {
  if (context.cut) return 'slow_reader';
  if (context.brokeProtocol || reason === 'parse error' || wasOversized(reason, description)) return 'limit';
  switch (reason) {
    case 'client namespace disconnect':
      return 'client';
    case 'ping timeout':
      return 'heartbeat';
    case 'transport close':
    case 'transport error':
      return 'transport';
    case 'server shutting down':
      return 'shutdown';
    default:
      // forced close, forced server close, server namespace disconnect: this instance let it go
      return context.shuttingDown ? 'shutdown' : 'server';
  }
}

/**
 * Counts every reader disconnect by reason, and oversized messages as rejected socket events.
 * The listeners are shared by all sockets (Socket.IO calls them with the socket as `this`).
 *
 * @example
 * const disconnects = countReaderDisconnects(io, { metrics, wasCut: (conn) => slowReaders.wasCut(conn) });
 * // in Application.close(), before the sockets go:
 * disconnects.shuttingDown();
 */
export function countReaderDisconnects(
  io: ReaderServer,
  deps: { metrics: Metrics; wasCut: (conn: EngineConnection) => boolean },
): { shuttingDown(): void } {
  const brokeProtocol = new WeakSet<ReaderSocket>();
  let shuttingDown = false;

  // Socket.IO emits `error` on the socket for a packet it cannot decode, then closes the connection.
  function onError(this: ReaderSocket): void {
    brokeProtocol.add(this);
  }

  function onDisconnect(this: ReaderSocket, reason: SocketIoReason, description?: unknown): void {
    if (wasOversized(reason, description)) deps.metrics.socketRejections.inc('oversized');
    const context = {
      cut: deps.wasCut(this.conn as unknown as EngineConnection),
      brokeProtocol: brokeProtocol.has(this),
      shuttingDown,
    };
    deps.metrics.readerDisconnects.inc(readerDisconnectReason(reason, description, context));
  }

  io.on('connection', (socket) => {
    socket.on('error', onError);
    socket.on('disconnect', onDisconnect);
  });

  return {
    shuttingDown() {
      shuttingDown = true;
    },
  };
}
