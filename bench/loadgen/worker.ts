/**
 * A load-generator process: holds up to ~9,000 reader sockets (the open-file limit is 20,000
 * per process), records when each update arrives, and reports to the orchestrator over IPC.
 * Started by `pool.ts` under `taskset -c 1`; never run by hand.
 */
import { reconnectDelay, retryDelay } from '../../client/live/backoff.js';
import { FromWorker, ToWorker, type WorkerStart } from './messages.js';
import { ackSeqs, classify, CONNECT_NAMESPACE, PONG, SOCKET_IO_PATH, subscribePacket } from './protocol.js';
import { clientTextFrame, RawWebSocket } from './raw-websocket.js';

// Thousands of refused and reset connections each make an Error: without stacks they cost little.
Error.stackTraceLimit = 0;

const PONG_FRAME = clientTextFrame(PONG);
const CONNECT_FRAME = clientTextFrame(CONNECT_NAMESPACE);

interface Reader {
  index: number;
  socket: RawWebSocket | undefined;
  /** Highest seq held without a gap: the position a reconnect resubscribes with. */
  held: number;
  subscribed: boolean;
  attempt: number;
  /** Subscribes refused as unavailable or rate limited since the last answer that worked. */
  refusals: number;
}

const now = (): number => Number(process.hrtime.bigint());

function send(message: FromWorker): void {
  process.send?.(message);
}

class LoadWorker {
  private readonly readers: Reader[] = [];
  private readonly stride: number;
  private readonly firstReceive: Float64Array<ArrayBuffer>;
  private readonly receiveCount: Uint8Array<ArrayBuffer>;
  private readonly subscribedAt: Uint32Array<ArrayBuffer>;
  private readonly resubscribedAt: Float64Array<ArrayBuffer>;
  /** Per reader, of its last reconnect: when the attempt started and when its WebSocket was open. */
  private readonly attemptAt: Float64Array<ArrayBuffer>;
  private readonly openedAt: Float64Array<ArrayBuffer>;
  private epoch: string | null = null;
  private reconnects = 0;
  private subscribedCount = 0;
  private failed = 0;
  private stopping = false;
  private onSettled: (() => void) | undefined;
  private readonly host: string;
  private readonly port: number;
  private readonly path: string;
  private cpuMark = process.cpuUsage();
  private wallMark = now();

  constructor(private readonly config: WorkerStart) {
    this.stride = config.maxSeq + 1;
    this.firstReceive = new Float64Array(config.readers * this.stride);
    this.receiveCount = new Uint8Array(config.readers * this.stride);
    this.subscribedAt = new Uint32Array(config.readers);
    this.resubscribedAt = new Float64Array(config.readers);
    this.attemptAt = new Float64Array(config.readers);
    this.openedAt = new Float64Array(config.readers);
    const url = new URL(config.url);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.path = config.wire === 'socketio' ? SOCKET_IO_PATH : `/?blogId=${encodeURIComponent(config.blogId)}`;
  }

  async connectAll(): Promise<void> {
    const { readers, batch } = this.config;
    for (let start = 0; start < readers; start += batch) {
      const end = Math.min(readers, start + batch);
      const settled = new Promise<void>((resolve) => {
        this.onSettled = resolve;
      });
      for (let i = start; i < end; i += 1) {
        const reader: Reader = { index: i, socket: undefined, held: 0, subscribed: false, attempt: 0, refusals: 0 };
        this.readers.push(reader);
        this.open(reader);
      }
      const timeout = setTimeout(() => this.onSettled?.(), 30_000);
      if (this.subscribedCount + this.failed < end) await settled;
      clearTimeout(timeout);
      send({ type: 'progress', subscribed: this.subscribedCount, failed: this.failed });
    }
    send({ type: 'ready', subscribed: this.subscribedCount, failed: this.failed, epoch: this.epoch });
  }

  private settledOne(): void {
    if (this.subscribedCount + this.failed >= this.readers.length) this.onSettled?.();
  }

  private open(reader: Reader): void {
    let opened = false;
    const socket: RawWebSocket = new RawWebSocket(this.host, this.port, this.path, {
      open: () => {
        opened = true;
        this.openedAt[reader.index] = now();
      },
      message: (data) => this.onMessage(reader, socket, data),
      close: () => onClose(),
    });
    reader.socket = socket;
    const onClose = (): void => {
      if (reader.socket !== socket) return;
      reader.socket = undefined;
      const wasSubscribed = reader.subscribed;
      reader.subscribed = false;
      if (this.stopping) return;
      if (this.config.reconnect && wasSubscribed) {
        reader.attempt = 0;
        this.scheduleReconnect(reader);
      } else if (this.config.reconnect && this.everSubscribed(reader)) {
        reader.attempt += 1;
        this.scheduleReconnect(reader);
      } else if (!opened || !wasSubscribed) {
        this.failed += 1;
        this.settledOne();
      }
    };
  }

  private everSubscribed(reader: Reader): boolean {
    return this.subscribedAt[reader.index]! > 0 || reader.held > 0;
  }

  /** The reader library's own schedule: the first attempt spread over its window, then backing off. */
  private scheduleReconnect(reader: Reader): void {
    setTimeout(() => {
      if (this.stopping) return;
      this.reconnects += 1;
      this.attemptAt[reader.index] = now();
      this.open(reader);
    }, reconnectDelay(reader.attempt));
  }

  private onMessage(reader: Reader, socket: RawWebSocket, data: Buffer): void {
    if (this.config.wire === 'ws') {
      // the limit server answers a connection with `ok <seq>`, then sends update frames
      if (data[0] === 0x6f /* 'o' */) {
        this.markSubscribed(reader, Number(data.toString('utf8', 3)) || 0, false);
        return;
      }
    }
    const packet = classify(data);
    switch (packet.kind) {
      case 'update':
        this.receive(reader, packet.seq, now());
        return;
      case 'ping':
        socket.send(PONG_FRAME);
        return;
      case 'open':
        socket.send(CONNECT_FRAME);
        return;
      case 'connected':
        this.subscribe(reader, socket);
        return;
      case 'ack':
        this.onAck(reader, socket, packet.data, packet.at);
        return;
      case 'ignored':
        return;
      default:
        packet satisfies never;
    }
  }

  private subscribe(reader: Reader, socket: RawWebSocket): void {
    const resume = this.epoch !== null && reader.held > 0 ? { epoch: this.epoch, after: reader.held } : {};
    socket.send(clientTextFrame(subscribePacket(1, { blogId: this.config.blogId, ...resume })));
  }

  private onAck(reader: Reader, socket: RawWebSocket, data: Buffer, from: number): void {
    const at = now();
    // Parsed in full only when it matters: the epoch of the first answer, and refusals.
    const seqs = this.epoch !== null ? ackSeqs(data, from) : null;
    if (seqs !== null) {
      this.accept(reader, seqs.position, seqs.events, at);
      return;
    }
    const [ack] = JSON.parse(data.toString('utf8', from)) as [
      { ok: boolean; reset?: boolean; position?: { epoch: string; seq: number }; events?: { seq: number }[]; error?: { code: string } },
    ];
    if (!ack.ok || ack.position === undefined) {
      const code = ack.error?.code;
      if (code === 'unavailable' || code === 'rate_limited') {
        // As the reader library does: ask again on the same connection, backing off.
        setTimeout(() => {
          if (!this.stopping && reader.socket === socket && socket.isOpen) this.subscribe(reader, socket);
        }, retryDelay(reader.refusals));
        reader.refusals += 1;
        return;
      }
      reader.socket?.close();
      return;
    }
    this.epoch ??= ack.position.epoch;
    this.accept(reader, ack.position.seq, (ack.events ?? []).map((e) => e.seq), at);
  }

  private accept(reader: Reader, position: number, events: number[], at: number): void {
    reader.refusals = 0;
    const resubscribe = this.everSubscribed(reader);
    for (const seq of events) this.receive(reader, seq, at);
    this.markSubscribed(reader, position, resubscribe);
    if (resubscribe) this.resubscribedAt[reader.index] = at;
  }

  private markSubscribed(reader: Reader, seq: number, resubscribe: boolean): void {
    reader.subscribed = true;
    reader.attempt = 0;
    if (resubscribe) return;
    this.subscribedAt[reader.index] = seq;
    reader.held = Math.max(reader.held, seq);
    this.subscribedCount += 1;
    this.settledOne();
  }

  private receive(reader: Reader, seq: number, at: number): void {
    if (seq >= this.stride) return;
    const at0 = reader.index * this.stride;
    const idx = at0 + seq;
    if (this.receiveCount[idx]! < 255) this.receiveCount[idx] = this.receiveCount[idx]! + 1;
    if (this.firstReceive[idx] === 0) this.firstReceive[idx] = at;
    while (reader.held + 1 < this.stride && this.receiveCount[at0 + reader.held + 1]! > 0) reader.held += 1;
  }

  mark(): void {
    this.cpuMark = process.cpuUsage();
    this.wallMark = now();
  }

  report(): FromWorker {
    const cpu = process.cpuUsage(this.cpuMark);
    return {
      type: 'report',
      readers: this.readers.length,
      firstReceive: this.firstReceive,
      receiveCount: this.receiveCount,
      subscribedAt: this.subscribedAt,
      resubscribedAt: this.resubscribedAt,
      attemptAt: this.attemptAt,
      openedAt: this.openedAt,
      reconnects: this.reconnects,
      cpuMicros: cpu.user + cpu.system,
      wallMicros: (now() - this.wallMark) / 1_000,
    };
  }

  stop(): void {
    this.stopping = true;
  }
}

let worker: LoadWorker | undefined;

process.on('message', (raw: unknown) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'error', message: `bad message: ${parsed.error.message}` });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start':
      worker = new LoadWorker(message);
      worker.connectAll().catch((err: unknown) => send({ type: 'error', message: String(err) }));
      return;
    case 'mark':
      worker?.mark();
      send({ type: 'marked' });
      return;
    case 'collect':
      if (worker) send(worker.report());
      return;
    case 'stop':
      worker?.stop();
      // the kernel closes every socket at once; closing 9,000 by hand only costs time
      process.exit(0);
      return;
    default:
      message satisfies never;
  }
});

process.on('disconnect', () => process.exit(0));
