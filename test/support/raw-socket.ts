import { io, type Socket } from 'socket.io-client';
import type { ClientEvents, ServerEvents, SubscribeAck } from '../../shared/index.js';

/** A bare Socket.IO reader connection, for tests that speak the protocol by hand. */
export type RawSocket = Socket<ServerEvents, ClientEvents>;

/**
 * Connects over WebSocket without automatic reconnection.
 *
 * @example
 * const socket = await connectRaw(server.url);
 */
export function connectRaw(url: string): Promise<RawSocket> {
  const socket: RawSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Sends `subscribe` with any payload and waits (5 s at most) for the ack. */
export function subscribeRaw(socket: RawSocket, request: unknown): Promise<SubscribeAck> {
  return socket.timeout(5_000).emitWithAck('subscribe', request);
}
