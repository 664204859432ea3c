import type { Duplex } from 'node:stream';
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';
import { textFrame } from './ws-frame.js';

/** The parts of an Engine.IO connection the fast path looks at (engine.io 6 names them so). */
interface EngineConnection {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; socket?: { readyState: number; _socket?: Duplex } };
}

/** The parts of a Socket.IO socket a broadcast touches. */
interface BroadcastSocket {
  conn: EngineConnection;
  client: { writeToEngine(packets: unknown[], opts: object): void };
  notifyOutgoingListeners?: (packet: unknown) => void;
}

/** ws's `WebSocket.OPEN`. */
const WS_OPEN = 1;

interface EncodedPacket {
  nsp?: string;
}

/**
 * Writes a frame straight to the reader's TCP socket when nothing else of this connection is
 * waiting to be sent, so the frame cannot overtake an earlier packet (a subscribe answer, say).
 * Returns false when the connection must take Socket.IO's own path (long-polling, an upgrade
 * in progress, packets queued in Engine.IO).
 */
function writeFrame(conn: EngineConnection, frame: Buffer): boolean {
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length > 0) return false;
  const transport = conn.transport;
  if (transport.name !== 'websocket' || !transport.writable) return false;
  const ws = transport.socket;
  // Once ws has sent or answered a Close frame no data frame may follow (RFC 6455 §5.5.1).
  if (ws === undefined || ws.readyState !== WS_OPEN) return false;
  // ws keeps the upgraded TCP socket as `_socket`; Engine.IO itself reaches into ws the same way.
  const tcp = ws._socket;
  if (tcp === undefined || !tcp.writable) return false;
  tcp.write(frame);
  return true;
}

/**
 * Socket.IO's in-memory adapter with a leaner room broadcast: the packet is encoded and framed
 * once, and that one buffer is written to each WebSocket reader's TCP socket, past Engine.IO's
 * per-socket queue and ws's per-socket sender. Readers see exactly the bytes Socket.IO would
 * have sent; anything unusual (binary, volatile, acks, long-polling) takes Socket.IO's path.
 *
 * @example
 * const io = new Server(httpServer, { adapter: FrameAdapter, perMessageDeflate: false });
 */
export class FrameAdapter extends Adapter {
  /**
   * Each room's connected sockets as an array, made on the first broadcast after a join or a
   * leave: a broadcast to 10,000 readers then walks an array instead of looking every socket
   * id up in the namespace.
   */
  private readonly members = new Map<string, BroadcastSocket[]>();

  /**
   * Deliveries of room broadcasts so far: written straight to a reader's TCP socket, or handed
   * to Engine.IO. Should a Socket.IO or ws upgrade rename what the direct path relies on, every
   * delivery moves to the second count: slower, never lost. Tests watch the first.
   */
  readonly deliveries = { direct: 0, viaEngine: 0 };

  override addAll(id: string, rooms: Set<string>): void {
    for (const room of rooms) this.members.delete(room);
    void super.addAll(id, rooms);
  }

  override del(id: string, room: string): void {
    this.members.delete(room);
    void super.del(id, room);
  }

  override delAll(id: string): void {
    for (const room of this.sids.get(id) ?? []) this.members.delete(room);
    super.delAll(id);
  }

  override broadcast(packet: EncodedPacket, opts: BroadcastOptions): void {
    // A room's live stream is one room, no exceptions, not volatile; the rest is rare.
    const single = opts.rooms.size === 1 && (opts.except === undefined || opts.except.size === 0);
    if (!single || opts.flags?.volatile === true) {
      super.broadcast(packet, opts);
      return;
    }
    packet.nsp = this.nsp.name as string;
    const encoded = (this.nsp.server.encoder as { encode(p: unknown): unknown[] }).encode(packet);
    const text = encoded[0];
    if (encoded.length !== 1 || typeof text !== 'string') {
      super.broadcast(packet, opts);
      return;
    }
    // "4" is Engine.IO's message packet type.
    const frame = textFrame(Buffer.from(`4${text}`));
    const packetOpts = { preEncoded: true };
    const [room] = opts.rooms;
    for (const socket of this.membersOf(room!)) {
      socket.notifyOutgoingListeners?.(packet);
      if (writeFrame(socket.conn, frame)) {
        this.deliveries.direct += 1;
      } else {
        this.deliveries.viaEngine += 1;
        socket.client.writeToEngine(encoded, packetOpts);
      }
    }
  }

  private membersOf(room: string): BroadcastSocket[] {
    let members = this.members.get(room);
    if (members === undefined) {
      const sockets = this.nsp.sockets as Map<string, BroadcastSocket>;
      members = [];
      for (const id of this.rooms.get(room) ?? []) {
        const socket = sockets.get(id);
        if (socket !== undefined) members.push(socket);
      }
      // Only rooms that exist are kept: a broadcast to an empty room leaves nothing behind.
      if (this.rooms.has(room)) this.members.set(room, members);
    }
    return members;
  }
}
