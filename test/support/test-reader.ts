import { io, type Socket } from 'socket.io-client';
import {
  applyEvent,
  applySubscribeAck,
  classifyEvent,
  type BlogState,
  type EventOutcome,
} from '../../client/state/index.js';
import {
  BlogEvent,
  SubscribeAck,
  type BlogId,
  type ClientEvents,
  type Position,
  type ServerEvents,
  type SocketErrorCode,
  type SubscribeRequest,
} from '../../shared/index.js';

/** An `update` as delivered, stamped with when it arrived (`Date.now()`). */
export type ReceivedEvent = BlogEvent & { receivedAt: number };

/** Something that went wrong on the wire; a healthy run has none. */
export type ReaderProblem =
  | { kind: 'ack-error'; code: SocketErrorCode; message: string }
  | { kind: 'ack-timeout'; request: SubscribeRequest }
  | { kind: 'malformed-ack'; raw: unknown }
  | { kind: 'malformed-update'; raw: unknown };

export interface OpenReaderOptions {
  /** Start from this position instead of a snapshot: the first answer then holds only the events after it. */
  from?: Position;
  /** How long `openReader` waits for the first successful subscribe (default 5 s). */
  timeoutMs?: number;
  /** How long a subscribe waits for its ack before it is sent again (default 8 s). */
  ackTimeoutMs?: number;
  /** Socket.IO transports in order of preference (default WebSocket only). */
  transports?: Array<'websocket' | 'polling'>;
}

export interface TestReader {
  readonly blogId: BlogId;
  /** The socket itself, for tests that disturb the connection. */
  readonly socket: Socket<ServerEvents, ClientEvents>;
  /** Every `update` of this blog as delivered, duplicates included, in arrival order. */
  readonly received: readonly ReceivedEvent[];
  /** Every event applied to the state, in order (from acks and from updates). */
  readonly applied: readonly BlogEvent[];
  /** How many resets (snapshots) were applied. */
  readonly resets: number;
  /** Every subscribe request sent. */
  readonly subscribes: readonly SubscribeRequest[];
  /** Every valid ack received, errors included. */
  readonly acks: readonly SubscribeAck[];
  readonly problems: readonly ReaderProblem[];
  /** Undefined until the first reset; a reader opened `from` a position has none until then. */
  readonly state: BlogState | undefined;
  /** The last event applied (also for a reader opened `from` a position without a state). */
  readonly position: Position | undefined;
  /** Resolves once `predicate(reader)` holds; rejects after `timeoutMs` (default 5 s). */
  waitFor(predicate: (reader: TestReader) => boolean, timeoutMs?: number): Promise<void>;
  /** Waits until the position reaches `seq` (in any epoch), or the given position (in its epoch). */
  waitForSeq(target: number | Position, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** After an answer that brought no progress, wait this long before asking again. */
const RETRY_DELAY_MS = 100;

class Reader implements TestReader {
  readonly socket: Socket<ServerEvents, ClientEvents>;
  readonly received: ReceivedEvent[] = [];
  readonly applied: BlogEvent[] = [];
  readonly subscribes: SubscribeRequest[] = [];
  readonly acks: SubscribeAck[] = [];
  readonly problems: ReaderProblem[] = [];
  resets = 0;
  state: BlogState | undefined;

  /** Position of a reader opened `from` a position, until its first reset. */
  private bare: Position | undefined;
  /** Updates held back while a subscribe is in flight or after a gap, applied by seq afterwards. */
  private buffer: BlogEvent[] = [];
  private syncing = false;
  /** Identifies the subscribe in flight; answers to older ones are ignored. */
  private attempt = 0;
  /** Set when the server's answer cannot be joined to the position: ask for a snapshot. */
  private wantReset = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastConnectError: string | undefined;
  private readonly waiters = new Set<() => void>();
  /** True after the first successful answer; until then a refusal is final (`refused`). */
  private subscribed = false;
  private refused: Error | undefined;

  constructor(
    baseUrl: string,
    readonly blogId: BlogId,
    private readonly options: OpenReaderOptions,
  ) {
    this.bare = options.from;
    this.socket = io(baseUrl, {
      transports: options.transports ?? ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
    });
    this.socket.on('connect', () => this.resubscribe());
    this.socket.on('connect_error', (err) => {
      this.lastConnectError = err.message;
    });
    this.socket.on('disconnect', (reason) => {
      // socket.io reconnects by itself unless the server sent the disconnect (e.g. an instance
      // shutting down); a reader behind a load balancer would come back, so this one does too
      if (reason === 'io server disconnect' && !this.closed) {
        this.reconnectTimer = setTimeout(() => this.socket.connect(), RETRY_DELAY_MS);
      }
    });
    this.socket.on('update', (raw: unknown) => this.onUpdate(raw));
  }

  get position(): Position | undefined {
    return this.state?.position ?? this.bare;
  }

  /** Resolves after the first successful subscribe answer; rejects if it was refused. */
  ready(timeoutMs: number): Promise<void> {
    return this.waitFor(() => {
      if (this.refused !== undefined) throw this.refused;
      return this.subscribed;
    }, timeoutMs);
  }

  waitFor(predicate: (reader: TestReader) => boolean, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err === undefined) resolve();
        else reject(err);
      };
      const check = (): void => {
        try {
          if (predicate(this)) done();
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const timer = setTimeout(
        () => done(new Error(`reader of "${this.blogId}": condition not met within ${timeoutMs} ms (${this.describe()})`)),
        timeoutMs,
      );
      this.waiters.add(check);
      check();
    });
  }

  waitForSeq(target: number | Position, timeoutMs = 5_000): Promise<void> {
    return this.waitFor((r) => {
      const at = r.position;
      if (at === undefined) return false;
      if (typeof target === 'number') return at.seq >= target;
      return at.epoch === target.epoch && at.seq >= target.seq;
    }, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.reconnectTimer);
    if (!this.subscribed) this.refused ??= new Error(`reader of "${this.blogId}" closed before it subscribed`);
    this.notify();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private describe(): string {
    const at = this.position;
    const where = at === undefined ? 'no position' : `at ${at.epoch}:${at.seq}`;
    const problems = this.problems.map((p) => p.kind).join(', ') || 'none';
    const connection = this.socket.connected ? 'connected' : `not connected (${this.lastConnectError ?? 'no error yet'})`;
    return `${where}, ${this.received.length} received, ${this.applied.length} applied, ${this.resets} resets, syncing: ${this.syncing}, ${connection}, problems: ${problems}`;
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private onUpdate(raw: unknown): void {
    if (this.closed) return;
    const parsed = BlogEvent.safeParse(raw);
    if (!parsed.success) {
      this.problems.push({ kind: 'malformed-update', raw });
      this.notify();
      return;
    }
    const event = parsed.data;
    if (event.blogId !== this.blogId) return;
    this.received.push({ ...event, receivedAt: Date.now() });
    if (this.syncing) {
      this.buffer.push(event);
    } else {
      const outcome = this.step(event);
      switch (outcome) {
        case 'applied':
        case 'duplicate':
          break;
        case 'gap':
          this.buffer.push(event);
          this.resubscribe();
          break;
        case 'epoch-changed':
          // dropped: the reset that the resubscribe brings covers it
          this.resubscribe();
          break;
        default:
          throw new Error(`unknown outcome: ${String(outcome satisfies never)}`);
      }
    }
    this.notify();
  }

  /** Applies one event to the state (or, before the first reset, to the bare position). */
  private step(event: BlogEvent): EventOutcome {
    if (this.state !== undefined) {
      const result = applyEvent(this.state, event);
      this.state = result.state;
      if (result.outcome === 'applied') this.applied.push(event);
      return result.outcome;
    }
    if (this.bare === undefined) return 'gap';
    const outcome = classifyEvent(this.bare, event);
    if (outcome === 'applied') {
      this.bare = { epoch: event.epoch, seq: event.seq };
      this.applied.push(event);
    }
    return outcome;
  }

  private resubscribe(delayMs = 0): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.syncing = true;
    this.attempt += 1;
    if (delayMs > 0) {
      this.retryTimer = setTimeout(() => this.resubscribe(), delayMs);
      return;
    }
    // not connected: the 'connect' handler asks again
    if (!this.socket.connected) return;
    const attempt = this.attempt;
    const at = this.wantReset ? undefined : this.position;
    const request: SubscribeRequest =
      at === undefined ? { blogId: this.blogId } : { blogId: this.blogId, epoch: at.epoch, after: at.seq };
    this.subscribes.push(request);
    const before = this.position;
    this.socket.timeout(this.options.ackTimeoutMs ?? 8_000).emit('subscribe', request, (err: Error | null, raw: unknown) => {
      if (this.closed || attempt !== this.attempt) return;
      if (err) {
        this.problems.push({ kind: 'ack-timeout', request });
        this.resubscribe();
      } else {
        this.onAck(raw, before);
      }
      this.notify();
    });
  }

  private onAck(raw: unknown, before: Position | undefined): void {
    const parsed = SubscribeAck.safeParse(raw);
    if (!parsed.success) {
      this.problems.push({ kind: 'malformed-ack', raw });
      this.fail(new Error(`reader of "${this.blogId}": malformed subscribe ack ${JSON.stringify(raw)}`));
      return;
    }
    const ack = parsed.data;
    this.acks.push(ack);
    if (!ack.ok) {
      this.problems.push({ kind: 'ack-error', code: ack.error.code, message: ack.error.message });
      const err = new Error(`reader of "${this.blogId}": subscribe refused: ${ack.error.code} (${ack.error.message})`);
      switch (ack.error.code) {
        case 'invalid_request':
        case 'blog_not_found':
        case 'too_many_subscriptions':
          this.fail(err);
          return;
        case 'rate_limited':
        case 'unavailable':
          // transient: asking again later is what a real reader does
          this.resubscribe(RETRY_DELAY_MS * 2);
          return;
        default:
          throw new Error(`unknown error code: ${String(ack.error.code satisfies never)}`);
      }
    }
    this.wantReset = false;
    if (!this.takeAck(ack)) {
      this.again(before);
      return;
    }
    if (!this.drain()) {
      this.again(before);
      return;
    }
    this.syncing = false;
    this.subscribed = true;
  }

  /** Applies a successful answer; false when it could not be joined to the position. */
  private takeAck(ack: Extract<SubscribeAck, { ok: true }>): boolean {
    if (!ack.reset && this.state === undefined) {
      // a reader opened `from` a position, before its first reset
      if (this.bare === undefined || ack.position.epoch !== this.bare.epoch) {
        this.wantReset = true;
        return false;
      }
      for (const event of ack.events) {
        if (this.step(event) === 'gap') return false;
      }
      return this.bare.seq >= ack.position.seq;
    }
    const result = applySubscribeAck(this.state, ack);
    switch (result.outcome) {
      case 'reset':
        this.state = result.state;
        this.bare = undefined;
        this.resets += 1;
        return true;
      case 'caught-up':
        this.state = result.state;
        this.applied.push(...result.applied);
        return true;
      case 'gap':
        this.state = result.state;
        this.applied.push(...result.applied);
        return false;
      case 'epoch-changed':
      case 'no-state':
        this.wantReset = true;
        return false;
      default:
        throw new Error(`unknown outcome: ${String(result satisfies never)}`);
    }
  }

  /** Applies the held-back updates by seq; false when some are still ahead or from another epoch. */
  private drain(): boolean {
    const held = [...this.buffer].sort((a, b) => a.seq - b.seq);
    const kept = new Map<number, BlogEvent>();
    let epochChanged = false;
    for (const event of held) {
      const outcome = this.step(event);
      switch (outcome) {
        case 'applied':
        case 'duplicate':
          break;
        case 'gap':
          if (!kept.has(event.seq)) kept.set(event.seq, event);
          break;
        case 'epoch-changed':
          epochChanged = true;
          break;
        default:
          throw new Error(`unknown outcome: ${String(outcome satisfies never)}`);
      }
    }
    this.buffer = [...kept.values()];
    return !epochChanged && kept.size === 0;
  }

  /** Asks again: at once when the last answer moved the position, after a pause when it did not. */
  private again(before: Position | undefined): void {
    const now = this.position;
    const moved = now !== undefined && (before === undefined || now.epoch !== before.epoch || now.seq > before.seq);
    this.resubscribe(moved ? 0 : RETRY_DELAY_MS);
  }

  /** Fails `openReader` on a first answer that failed; later failures are retried. */
  private fail(err: Error): void {
    if (this.subscribed) this.resubscribe(RETRY_DELAY_MS * 2);
    else this.refused = err;
  }
}

/**
 * Opens a reader of one blog for an integration test: subscribes, keeps its state
 * with the client reducer, catches up after gaps, epoch changes and reconnects,
 * and records everything it received.
 *
 * @example
 * const reader = await openReader(server.url, 'election-night');
 * await reader.waitForSeq(posted.position.seq);
 * assert.ok(reader.state?.entries.has(posted.entry.id));
 * await reader.close();
 */
export async function openReader(baseUrl: string, blogId: BlogId, options: OpenReaderOptions = {}): Promise<TestReader> {
  const reader = new Reader(baseUrl, blogId, options);
  try {
    await reader.ready(options.timeoutMs ?? 5_000);
  } catch (err) {
    await reader.close();
    throw err;
  }
  return reader;
}
