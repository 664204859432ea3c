import type { Socket as TcpSocket } from 'node:net';
import type { Logger } from '../log/logger.js';
import type { Metrics, SlowReaderCause } from '../metrics/index.js';
import { connectionsOf, inFlightBytes, packetBytes, tcpOf, type EngineConnection, type EnginePacket } from './engine-connection.js';

/** What may wait in the instance for one reader, and for how long, before it is cut. */
export interface ReaderLimits {
  /**
   * Bytes that may pile up for one reader (Node's socket buffer plus Engine.IO's queue) over the
   * least that waited for it since it fell behind; default 1 MiB.
   */
  bufferMaxBytes: number;
  /** How long bytes may wait without the reader taking any; default 10 s. */
  writeTimeoutMs: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = { bufferMaxBytes: 1024 * 1024, writeTimeoutMs: 10_000 };

/** The sweep looks at every connection this often at most, and at least four times per write timeout. */
const SWEEP_INTERVAL_MS = 1_000;
/** One warning per this long at most: a storm of cuts must not flood the log (the metric counts them all). */
const WARN_INTERVAL_MS = 10_000;

/**
 * A reader with something waiting for it (one entry per such reader, none for readers keeping
 * up): since when it has taken nothing, where its queues stood then, the least that waited for
 * it since it fell behind, and the bytes of Engine.IO's queue counted so far (that queue only
 * grows until a flush replaces it, so each packet is measured once however often it is looked at).
 */
interface Waiting {
  since: number;
  /** The oldest packet in Engine.IO's queue: another one there means the queue was flushed. */
  head: EnginePacket | undefined;
  /** Bytes of whole writes that left Node for the kernel on the reader's TCP socket. */
  sent: number;
  /** What the kernel has yet to take of the write in flight: it moves within one large write. */
  inFlight: number;
  /** The least that waited for it since it fell behind: what the byte limit counts from. */
  floor: number;
  queue: EnginePacket[];
  counted: number;
  queueBytes: number;
}

function sentBytes(tcp: TcpSocket | undefined): number {
  // bytesWritten counts what is still buffered too: the difference is what has left Node
  return tcp === undefined ? 0 : (tcp.bytesWritten ?? 0) - tcp.writableLength;
}

function startWaiting(conn: EngineConnection, now: number): Waiting {
  const waiting: Waiting = { since: now, head: undefined, sent: 0, inFlight: 0, floor: Infinity, queue: conn.writeBuffer, counted: 0, queueBytes: 0 };
  markProgress(conn, waiting, now); // where its queues stand now
  return waiting;
}

/** Notes where the reader's queues stand; true when they moved since the last note (it took something). */
function markProgress(conn: EngineConnection, waiting: Waiting, now: number): boolean {
  const tcp = tcpOf(conn);
  const head = conn.writeBuffer[0];
  const sent = sentBytes(tcp);
  const inFlight = tcp === undefined ? 0 : inFlightBytes(tcp);
  if (head === waiting.head && sent === waiting.sent && inFlight === waiting.inFlight) return false;
  waiting.since = now;
  waiting.head = head;
  waiting.sent = sent;
  waiting.inFlight = inFlight;
  return true;
}

/**
 * Bytes the instance holds for one reader: what Node has not yet handed to the kernel for its
 * TCP socket (WebSocket) plus the packets Engine.IO queues for it (a WebSocket busy with an
 * earlier send, or a long-polling reader between polls).
 */
function waitingBytes(conn: EngineConnection, seen: Waiting): number {
  const queue = conn.writeBuffer;
  if (seen.queue !== queue || seen.counted > queue.length) {
    seen.queue = queue;
    seen.counted = 0;
    seen.queueBytes = 0;
  }
  for (let i = seen.counted; i < queue.length; i += 1) seen.queueBytes += packetBytes(queue[i]!);
  seen.counted = queue.length;
  return (tcpOf(conn)?.writableLength ?? 0) + seen.queueBytes;
}

export interface SlowReadersOptions {
  limits: ReaderLimits;
  metrics: Metrics;
  logger: Logger;
}

/**
 * Caps what waits in this instance for each reader, so that one frozen tab or hostile client
 * cannot pin megabytes for the 45 s of Engine.IO's heartbeat plus ws' 30 s close wait:
 * - `buffer`: what waits for a reader grew by more than `bufferMaxBytes` over the least that
 *   waited for it since it fell behind (one large answer it asked for, a catch-up of a
 *   thousand events say, is allowed to drain; entries piling up behind it are not);
 * - `stall`: something has waited for it for `writeTimeoutMs` and it has taken nothing.
 * The reader is then cut at once (its TCP socket reset, Engine.IO's queue discarded); its
 * client reconnects and catches up from its position like after any lost connection.
 *
 * Costs nothing per reader that keeps up: the fan-out calls `backedUp` only for a connection
 * left with something waiting, and a sweep every second walks the connections once.
 *
 * @example
 * const slowReaders = new SlowReaders({ limits, metrics, logger });
 * const io = new Server(httpServer, { adapter: FrameAdapter.withHooks({ backedUp: (c) => slowReaders.backedUp(c) }) });
 * slowReaders.start(io.engine);
 */
export class SlowReaders {
  private readonly waiting = new Map<EngineConnection, Waiting>();
  private readonly cut = new WeakSet<EngineConnection>();
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private unreported = 0;

  constructor(private readonly opts: SlowReadersOptions) {
    this.log = opts.logger.child({ module: 'slow-readers' });
  }

  /** Sweeps the engine's connections every second (or more often for a short write timeout). */
  start(engine: object): void {
    this.stop();
    const clients = connectionsOf(engine);
    const every = Math.min(SWEEP_INTERVAL_MS, Math.max(50, this.opts.limits.writeTimeoutMs / 4));
    this.timer = setInterval(() => this.sweep(clients), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }

  /** True when this instance closed the connection because its reader was too slow. */
  wasCut(conn: EngineConnection): boolean {
    return this.cut.has(conn);
  }

  /** Called after a write left something waiting for `conn`: cuts it past the byte limit, else starts its stall clock. */
  backedUp(conn: EngineConnection): void {
    const seen = this.waiting.get(conn) ?? startWaiting(conn, performance.now());
    this.check(conn, seen);
  }

  /** Looks at every connection once: cuts those over the byte limit or stalled past the write timeout. */
  private sweep(clients: Record<string, EngineConnection>): void {
    try {
      const now = performance.now();
      for (const id in clients) {
        const conn = clients[id]!;
        let seen = this.waiting.get(conn);
        if (seen === undefined) {
          // the common case, a reader with nothing waiting, in two reads
          if (conn.writeBuffer.length === 0 && (tcpOf(conn)?.writableLength ?? 0) === 0) continue;
          seen = startWaiting(conn, now);
        } else if (!markProgress(conn, seen, now) && now - seen.since >= this.opts.limits.writeTimeoutMs) {
          this.cutReader(conn, 'stall', waitingBytes(conn, seen), seen);
          continue;
        }
        this.check(conn, seen);
      }
      // Connections that went away by themselves meanwhile.
      for (const conn of this.waiting.keys()) {
        if (conn.readyState === 'closed') this.waiting.delete(conn);
      }
    } catch (err) {
      this.log.error({ err }, 'slow-reader sweep failed');
    }
  }

  /** Forgets a reader that has nothing waiting, cuts one past the byte limit, keeps watching the rest. */
  private check(conn: EngineConnection, seen: Waiting): void {
    const bytes = waitingBytes(conn, seen);
    if (bytes === 0 || conn.readyState === 'closed') {
      this.waiting.delete(conn);
      return;
    }
    seen.floor = Math.min(seen.floor, bytes);
    if (bytes - seen.floor > this.opts.limits.bufferMaxBytes) {
      this.cutReader(conn, 'buffer', bytes, seen);
    } else if (!this.waiting.has(conn)) {
      this.waiting.set(conn, seen);
    }
  }

  private cutReader(conn: EngineConnection, cause: SlowReaderCause, bytes: number, seen: Waiting): void {
    if (this.cut.has(conn)) return;
    this.cut.add(conn);
    this.waiting.delete(conn);
    const transport = conn.transport.name;
    const tcp = tcpOf(conn);
    if (tcp !== undefined) {
      // A reset, not a close: the kernel drops what it still holds for the reader at once
      // (a close would keep retrying a reader that takes nothing), and ws skips its 30 s
      // wait for a Close frame that could not get through anyway.
      try {
        tcp.resetAndDestroy();
      } catch {
        tcp.destroy();
      }
      conn.transport.socket?.terminate();
    }
    // Discards Engine.IO's queue and closes the connection now, whatever the transport.
    conn.close(true);
    this.opts.metrics.slowReaderCuts.inc(cause);
    const stalledMs = Math.round(performance.now() - seen.since);
    this.warn({ cause, transport, waitingBytes: bytes, leastWaitingBytes: seen.floor, stalledMs });
  }

  private warn(fields: Record<string, unknown>): void {
    const now = performance.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) {
      this.unreported += 1;
      return;
    }
    this.log.warn(
      { ...fields, limits: this.opts.limits, cutSinceLastWarning: this.unreported },
      'slow reader cut: too much waited for it, or it took nothing for too long',
    );
    this.lastWarnAt = now;
    this.unreported = 0;
  }
}
