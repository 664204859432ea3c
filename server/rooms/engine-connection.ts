import type { Socket as TcpSocket } from 'node:net';

/**
 * The parts of Engine.IO's, ws' and Node's objects this folder reads or calls beyond their
 * documented API, named as engine.io 6, ws 8 and Node 20 name them. Everything that reaches
 * into them goes through this module; test/rooms/engine-internals.test.ts fails loudly should
 * an upgrade rename one.
 */

/** One packet waiting in Engine.IO's queue of a connection. */
export interface EnginePacket {
  type: string;
  data?: string | Buffer | ArrayBuffer;
}

/** ws' `WebSocket`, with the upgraded TCP socket it keeps as `_socket` (Engine.IO reaches into it too). */
export interface EngineWebSocket {
  readyState: number;
  _socket?: TcpSocket;
  terminate(): void;
}

/** An Engine.IO connection (`engine.io` `Socket`): one per reader, whatever its transport. */
export interface EngineConnection {
  readonly id: string;
  readyState: string;
  upgrading: boolean;
  /** Packets Engine.IO holds until the transport can take them (for long-polling: until the next poll). */
  writeBuffer: EnginePacket[];
  transport: { name: string; writable: boolean; socket?: EngineWebSocket };
  /** The handshake request; `lean-connections.ts` lets go of it once the connection is open. */
  request: unknown;
  /** The peer's address, which Engine.IO keeps from the handshake request. */
  remoteAddress?: string;
  /** Closes at once; `discard` drops what is still queued instead of sending it first. */
  close(discard?: boolean): void;
  on(event: 'close', listener: (reason: string, description?: unknown) => void): unknown;
}

/**
 * The open connections of an Engine.IO server by id (`clients`: documented, though typed protected).
 *
 * @example
 * for (const id in connectionsOf(io.engine)) count += 1;
 */
export function connectionsOf(engine: object): Record<string, EngineConnection> {
  return (engine as { clients: Record<string, EngineConnection> }).clients;
}

/** ws's `WebSocket.OPEN`. */
const WS_OPEN = 1;

/**
 * The TCP socket under a reader's WebSocket transport, in whatever state; undefined on
 * long-polling (its HTTP responses have no socket of their own for long).
 *
 * @example
 * tcpOf(socket.conn)?.writableLength; // bytes Node holds for this reader
 */
export function tcpOf(conn: EngineConnection): TcpSocket | undefined {
  return conn.transport.name === 'websocket' ? conn.transport.socket?._socket : undefined;
}

/**
 * The TCP socket of a reader on an open WebSocket transport, or undefined (long-polling, an
 * upgrade in progress, closing). Once ws has sent or answered a Close frame no data frame may
 * follow (RFC 6455 §5.5.1), so a WebSocket that is not open has none.
 *
 * @example
 * const tcp = openTcpOf(socket.conn);
 * if (tcp !== undefined) tcp.write(frame);
 */
export function openTcpOf(conn: EngineConnection): TcpSocket | undefined {
  const transport = conn.transport;
  if (transport.name !== 'websocket') return undefined;
  const ws = transport.socket;
  if (ws === undefined || ws.readyState !== WS_OPEN) return undefined;
  const tcp = ws._socket;
  return tcp !== undefined && tcp.writable ? tcp : undefined;
}

/**
 * Bytes of the write Node has handed to libuv for this socket that the kernel has not taken
 * yet. It shrinks as the peer reads, even in the middle of one large write, which is how Node's
 * own socket timeout tells a slow write from an idle socket (`_handle.writeQueueSize`). 0 when
 * nothing is in flight, or should Node stop exposing it (progress is then seen per whole write).
 *
 * @example
 * inFlightBytes(tcp); // 1_500_000 while a large answer trickles out
 */
export function inFlightBytes(tcp: TcpSocket): number {
  return (tcp as unknown as { _handle?: { writeQueueSize?: number } | null })._handle?.writeQueueSize ?? 0;
}

/**
 * Bytes of one packet's payload as it will be sent (strings as UTF-8).
 *
 * @example
 * packetBytes({ type: 'message', data: '2["update",{}]' }); // 14
 */
export function packetBytes(packet: EnginePacket): number {
  const data = packet.data;
  if (typeof data === 'string') return Buffer.byteLength(data);
  return data === undefined ? 0 : data.byteLength;
}
