import { SubscribeAck, type BlogEvent, type BlogId, type BlogPage, type Cursor, type Entry, type Position, type SubscribeRequest } from '../../shared/index.js';
import {
  applyEvent,
  applyOlderPage,
  applySubscribeAck,
  fromSnapshot,
  type BlogState,
  type EventOutcome,
  type SubscribeAckOk,
} from '../state/index.js';
import { retryDelay } from './backoff.js';
import type { BlogChange, LiveBlogError, SubscribeFrom } from './types.js';

/** The connection as one blog's subscription sees it. */
export interface SyncLink {
  /** Whether a request can be sent now; when not, the client calls `resync` once connected. */
  connected(): boolean;
  /** Sends `subscribe`; exactly one of `answer` (the raw ack) or `fail` (no ack in time, or disconnected) follows. */
  send(request: SubscribeRequest, answer: (raw: unknown) => void, fail: (err: Error) => void): void;
}

/** What one blog's subscription reports. */
export interface SyncOutput {
  change(change: BlogChange): void;
  /** `syncing` or `error` changed. */
  activity(): void;
}

/**
 * One blog's subscription: keeps its state by (epoch, seq), holds updates back while a
 * subscribe is in flight, turns gaps and epoch changes into a new subscribe, and retries
 * refusals with backoff.
 *
 * @example
 * const sync = new BlogSync('storm', undefined, link, { change: render, activity: refresh });
 * sync.resync();                       // on connect
 * socket.on('update', (e) => sync.onUpdate(e));
 */
export class BlogSync {
  private current: BlogState | undefined;
  /** Updates held back while a subscribe is in flight or after a gap; applied by seq afterwards. */
  private held: BlogEvent[] = [];
  /** A subscribe is in flight, waiting for the connection, or waiting to be retried. */
  private pending = false;
  /** Identifies the subscribe in flight: answers to earlier ones are ignored. */
  private attempt = 0;
  /** Consecutive answers that brought nothing, for the backoff. */
  private failures = 0;
  /** Ask for a snapshot next time: the last answer could not be joined to the state. */
  private wantReset = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private failure: LiveBlogError | undefined;

  constructor(
    readonly blogId: BlogId,
    from: SubscribeFrom | undefined,
    private readonly link: SyncLink,
    private readonly output: SyncOutput,
  ) {
    if (from !== undefined) {
      if (from.snapshot.blog.id !== blogId) {
        throw new RangeError(`snapshot of blog "${from.snapshot.blog.id}" given to subscribe "${blogId}"`);
      }
      this.current = fromSnapshot(from.snapshot, from.position);
    }
  }

  get state(): BlogState | undefined {
    return this.current;
  }

  /** True while this blog is not known to be up to date (and still followed). */
  get syncing(): boolean {
    return this.pending && !this.stopped;
  }

  get error(): LiveBlogError | undefined {
    return this.failure;
  }

  /** Subscribes from the current position now, superseding any subscribe in flight. */
  resync(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.attempt += 1;
    this.setPending(true);
    if (!this.link.connected()) return;
    const attempt = this.attempt;
    const before = this.current?.position;
    const request = this.request();
    this.link.send(
      request,
      (raw) => {
        if (attempt === this.attempt && !this.stopped) this.onAnswer(raw, before);
      },
      () => {
        if (attempt === this.attempt && !this.stopped) this.retryLater();
      },
    );
  }

  /** The connection dropped: answers in flight will not come; wait for the client's `resync`. */
  disconnected(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.attempt += 1;
    this.setPending(true);
  }

  /** One `update` of this blog, as delivered. */
  onUpdate(event: BlogEvent): void {
    if (this.stopped) return;
    if (this.pending || this.current === undefined) {
      this.held.push(event);
      if (!this.pending) this.resync();
      return;
    }
    const outcome = this.apply(event);
    switch (outcome) {
      case 'applied':
      case 'duplicate':
        return;
      case 'gap':
        this.held.push(event);
        this.resync();
        return;
      case 'epoch-changed':
        // dropped: the reset that the subscribe brings covers it
        this.resync();
        return;
      default:
        throw new Error(`unknown outcome: ${String(outcome satisfies never)}`);
    }
  }

  /** Merges an older page asked with `cursor`; false when it no longer fits the state. */
  mergeOlder(page: BlogPage, cursor: Cursor): boolean {
    if (this.current === undefined || this.stopped) return false;
    const result = applyOlderPage(this.current, page, cursor);
    switch (result.outcome) {
      case 'merged': {
        this.current = result.state;
        const entries = page.entries.flatMap((e) => result.state.entries.get(e.id) ?? []);
        this.output.change({ kind: 'older', entries, state: result.state });
        return true;
      }
      case 'stale':
        return false;
      case 'epoch-changed':
        // the log was created anew and no event told us yet: ask now
        this.resync();
        return false;
      default:
        throw new Error(`unknown outcome: ${String(result.outcome satisfies never)}`);
    }
  }

  /** Stops following, with the reason when the server refused the blog. */
  stop(error?: LiveBlogError): void {
    if (this.stopped) return;
    this.stopped = true;
    this.failure = error;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
    this.output.activity();
  }

  private request(): SubscribeRequest {
    const at = this.wantReset ? undefined : this.current?.position;
    return at === undefined ? { blogId: this.blogId } : { blogId: this.blogId, epoch: at.epoch, after: at.seq };
  }

  private setPending(pending: boolean): void {
    if (this.pending === pending) return;
    this.pending = pending;
    this.output.activity();
  }

  private retryLater(): void {
    const delay = retryDelay(this.failures);
    this.failures += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.resync(), delay);
  }

  private onAnswer(raw: unknown, before: Position | undefined): void {
    const parsed = SubscribeAck.safeParse(raw);
    // a malformed answer is the server's bug or a version skew during a deploy: ask again later
    if (!parsed.success) return this.retryLater();
    const ack = parsed.data;
    if (!ack.ok) {
      const { code, message } = ack.error;
      switch (code) {
        case 'unavailable':
        case 'rate_limited':
          return this.retryLater();
        case 'blog_not_found':
        case 'invalid_request':
        case 'too_many_subscriptions':
          return this.stop({ code, message });
        default:
          throw new Error(`unknown error code: ${String(code satisfies never)}`);
      }
    }
    if (this.accept(ack)) {
      this.failures = 0;
      this.setPending(false);
      return;
    }
    if (moved(before, this.current?.position)) {
      this.failures = 0;
      this.resync();
      return;
    }
    // nothing joined twice in a row: a snapshot always does
    this.wantReset = true;
    this.retryLater();
  }

  /** Applies a successful answer and the held updates; true when the state is complete. */
  private accept(ack: SubscribeAckOk): boolean {
    if (ack.reset) {
      const result = applySubscribeAck(this.current, ack);
      this.current = result.state;
      this.wantReset = false;
      if (result.state !== undefined) this.output.change({ kind: 'reset', state: result.state });
    } else {
      if (this.current === undefined || ack.position.epoch !== this.current.position.epoch) {
        this.wantReset = true;
        return false;
      }
      for (const event of ack.events) {
        const outcome = this.apply(event);
        if (outcome === 'gap' || outcome === 'epoch-changed') return false;
      }
      if (this.current.position.seq < ack.position.seq) return false;
    }
    return this.drain();
  }

  /** Applies the held updates in seq order; true when none is left ahead of the state. */
  private drain(): boolean {
    if (this.held.length === 0) return true;
    const bySeq = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    const kept = new Set<number>();
    let complete = true;
    for (const event of bySeq) {
      const outcome = this.apply(event);
      switch (outcome) {
        case 'applied':
        case 'duplicate':
          break;
        case 'gap':
          complete = false;
          if (!kept.has(event.seq)) {
            kept.add(event.seq);
            this.held.push(event);
          }
          break;
        case 'epoch-changed':
          // dropped: the subscribe that follows brings the reset that covers it
          complete = false;
          break;
        default:
          throw new Error(`unknown outcome: ${String(outcome satisfies never)}`);
      }
    }
    return complete;
  }

  /** Applies one event if it is the next one, reporting it when a reader can see the difference. */
  private apply(event: BlogEvent): EventOutcome {
    const before = this.current;
    if (before === undefined) return 'gap';
    const { state, outcome } = applyEvent(before, event);
    if (outcome !== 'applied') return outcome;
    this.current = state;
    if (state.entries !== before.entries || state.blog !== before.blog) {
      this.output.change({ kind: 'event', event, state, previous: entryBefore(before, event) });
    }
    return outcome;
  }
}

function entryBefore(state: BlogState, event: BlogEvent): Entry | undefined {
  switch (event.type) {
    case 'entry.created':
    case 'entry.updated':
      return state.entries.get(event.entry.id);
    case 'entry.deleted':
      return state.entries.get(event.entryId);
    case 'blog.updated':
      return undefined;
    default:
      throw new Error(`unknown event type: ${JSON.stringify(event satisfies never)}`);
  }
}

function moved(before: Position | undefined, after: Position | undefined): boolean {
  if (after === undefined) return false;
  return before === undefined || before.epoch !== after.epoch || after.seq > before.seq;
}
