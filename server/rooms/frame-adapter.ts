import type { Socket as TcpSocket } from 'node:net';
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';
import { openTcpOf, type EngineConnection } from './engine-connection.js';
import { textFrame } from './ws-frame.js';

/** The parts of a Socket.IO socket a broadcast touches. */
interface BroadcastSocket {
  conn: EngineConnection;
  client: { writeToEngine(packets: unknown[], opts: object): void };
  notifyOutgoingListeners?: (packet: unknown) => void;
}

interface EncodedPacket {
  nsp?: string;
}

/** What the application learns from each room broadcast. */
export interface BroadcastHooks {
  /** A write left something waiting for this connection: a reader not keeping up (rare, so checked further). */
  backedUp?(conn: EngineConnection): void;
  /** How many readers got the broadcast as a direct frame and how many through Engine.IO. */
  delivered?(direct: number, viaEngine: number): void;
}

/**
 * Writes a frame straight to the reader's TCP socket when nothing else of this connection is
 * waiting to be sent, so the frame cannot overtake an earlier packet (a subscribe answer, say).
 * Returns the socket written to, or undefined when the connection must take Socket.IO's own
 * path (long-polling, an upgrade in progress, packets queued in Engine.IO).
 */
function writeFrame(conn: EngineConnection, frame: Buffer): TcpSocket | undefined {
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length > 0 || !conn.transport.writable) return undefined;
  const tcp = openTcpOf(conn);
  tcp?.write(frame);
  return tcp;
}

/**
 * Socket.IO's in-memory adapter with a leaner room broadcast: the packet is encoded and framed
 * once, and that one buffer is written to each WebSocket reader's TCP socket, past Engine.IO's
 * per-socket queue and ws's per-socket sender. Readers see exactly the bytes Socket.IO would
 * have sent; anything unusual (binary, volatile, acks, long-polling) takes Socket.IO's path.
 *
 * @example
 * const io = new Server(httpServer, { adapter: FrameAdapter, perMessageDeflate: false });
 * // or, to learn of readers falling behind and count deliveries:
 * const io = new Server(httpServer, { adapter: FrameAdapter.withHooks({ backedUp, delivered }), perMessageDeflate: false });
 */
export class FrameAdapter extends Adapter {
  /** The adapter class to give Socket.IO (it constructs one per namespace), calling `hooks` on each broadcast. */
  static withHooks(hooks: BroadcastHooks): typeof FrameAdapter {
    return class extends FrameAdapter {
      constructor(nsp: ConstructorParameters<typeof Adapter>[0]) {
        super(nsp, hooks);
      }
    };
  }

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

  constructor(
    nsp: ConstructorParameters<typeof Adapter>[0],
    private readonly hooks: BroadcastHooks = {},
  ) {
    super(nsp);
  }

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
    const hooks = this.hooks;
    let direct = 0;
    let viaEngine = 0;
    for (const socket of this.membersOf(room!)) {
      socket.notifyOutgoingListeners?.(packet);
      const conn = socket.conn;
      const tcp = writeFrame(conn, frame);
      if (tcp !== undefined) {
        direct += 1;
        // Zero unless the kernel refused part of the frame: only a reader falling behind costs more.
        if (tcp.writableLength !== 0) hooks.backedUp?.(conn);
      } else {
        viaEngine += 1;
        socket.client.writeToEngine(encoded, packetOpts);
        if (conn.writeBuffer.length !== 0) hooks.backedUp?.(conn);
      }
    }
    this.deliveries.direct += direct;
    this.deliveries.viaEngine += viaEngine;
    hooks.delivered?.(direct, viaEngine);
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
