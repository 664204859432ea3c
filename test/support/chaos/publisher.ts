import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from 'zod';
import { EntryCreateInput } from '../../../shared/index.js';
import { ApiClient, type ApiFailure } from '../../../client/cli/http.js';
import { publishEntry } from '../../../client/cli/publish.js';

/** How one attempt to post an entry ended. */
export type AttemptOutcome = 'created' | 'replayed' | 'not_replicated' | 'store_unavailable' | 'store_timeout' | 'unreachable' | 'gateway';

/** An entry the publisher got a 201 for, with every attempt it took. */
export interface PublishedEntry {
  index: number;
  key: string;
  id: string;
  /** UTF-8 bytes of its body, to tell how much was published. */
  bodyBytes: number;
  /** `Date.now()` when its first attempt was sent and when the 201 came. */
  sentAt: number;
  answeredAt: number;
  attempts: AttemptOutcome[];
}

export interface PublisherOptions {
  /** Where to post; entry i starts at target i mod n and each retry moves to the next. */
  targets: () => readonly string[];
  token: string;
  blogId: string;
  /** Pause between one entry's 201 and the next entry (0: back to back). */
  intervalMs: number;
  /** The entry to post as number `index`; each must differ (the check tells entries apart by id). */
  entry: (index: number) => z.input<typeof EntryCreateInput>;
  /** Told of each 201, in order. */
  onPublished?: (entry: PublishedEntry) => void;
  /** Told of every attempt's outcome when its answer came, e.g. to time an outage. */
  onAttempt?: (outcome: AttemptOutcome, at: number) => void;
  /**
   * Sends a 202 `not_replicated` again with the same key (it replays and waits for the replicas
   * again) until it is a 201, instead of taking the 202 as published.
   */
  untilReplicated?: boolean;
}

/** After a failed attempt, wait this long before sending the same key again. */
const RETRY_PAUSE_MS = 100;
/** An entry that has no 201 after this long fails the scenario. */
const ENTRY_DEADLINE_MS = 60_000;

/**
 * Classifies a failed attempt the way the issue asks publishers to: a 503 `store_unavailable`, a
 * 504 `store_timeout`, a gateway error and no answer at all are retried with the same
 * Idempotency-Key; anything else is a failure of the scenario.
 */
function retryOutcome(failure: ApiFailure): AttemptOutcome | undefined {
  switch (failure.kind) {
    case 'unreachable':
      return 'unreachable';
    case 'refused':
      if (failure.code === 'store_unavailable') return 'store_unavailable';
      if (failure.code === 'store_timeout') return 'store_timeout';
      return undefined;
    case 'foreign':
      return failure.status === 502 || failure.status === 503 || failure.status === 504 ? 'gateway' : undefined;
    default:
      return failure satisfies never;
  }
}

function describe(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'unreachable':
      return `no answer from ${failure.url}: ${failure.cause}`;
    case 'refused':
      return `${failure.status} ${failure.code}: ${failure.message}`;
    case 'foreign':
      return `${failure.url} answered HTTP ${failure.status} without an API error body`;
    default:
      return failure satisfies never;
  }
}

/**
 * An editor posting steadily, as the CLI does (its HTTP client and `publishEntry`), that never
 * gives up on an entry: every failure the issue calls transient (503, 504, no answer), and with
 * `untilReplicated` a 202 `not_replicated`, is sent again with the same Idempotency-Key, to the
 * next instance, until a 201 comes.
 *
 * @example
 * const publisher = new Publisher({ targets: () => [a.url, b.url], token, blogId, intervalMs: 75, entry: (i) => ({ body: `#${i}` }) });
 * publisher.start();
 * await publisher.stop();
 * publisher.published.length; // entries answered 201
 */
export class Publisher {
  readonly published: PublishedEntry[] = [];
  /** Answers no retry can fix (a 500, a 429...): the scenario fails with them. */
  readonly failures: string[] = [];
  readonly attemptsByOutcome: Record<AttemptOutcome, number> = {
    created: 0,
    replayed: 0,
    not_replicated: 0,
    store_unavailable: 0,
    store_timeout: 0,
    unreachable: 0,
    gateway: 0,
  };
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly runId = Math.random().toString(36).slice(2, 10);

  constructor(private readonly options: PublisherOptions) {}

  start(): void {
    if (this.loop !== undefined) throw new Error('the publisher is already running');
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the entry in flight has its 201 (or failed for good). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The longest time from an entry's first attempt to its 201, in ms. */
  get longestPostMs(): number {
    return this.published.reduce((max, p) => Math.max(max, p.answeredAt - p.sentAt), 0);
  }

  get bytesPublished(): number {
    return this.published.reduce((sum, p) => sum + p.bodyBytes, 0);
  }

  /**
   * Entries a 503 `store_unavailable` ("nothing was written") was wrong about: their 201 was a
   * replay, so an earlier attempt stored them, yet every earlier attempt was answered 503.
   */
  get hiddenWrites(): PublishedEntry[] {
    return this.published.filter((p) => {
      const earlier = p.attempts.slice(0, -1);
      return p.attempts.at(-1) === 'replayed' && earlier.length > 0 && earlier.every((o) => o === 'store_unavailable');
    });
  }

  private async run(): Promise<void> {
    for (let index = 0; this.running; index += 1) {
      const ok = await this.publish(index);
      if (!ok) return;
      if (this.options.intervalMs > 0 && this.running) await sleep(this.options.intervalMs);
    }
  }

  private async publish(index: number): Promise<boolean> {
    const input = EntryCreateInput.parse(this.options.entry(index));
    const key = `chaos-${this.options.blogId}-${this.runId}-${index}`;
    const attempts: AttemptOutcome[] = [];
    const sentAt = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      const targets = this.options.targets();
      const url = targets[(index + attempt) % targets.length]!;
      // One attempt per call: the retry policy is this loop's, across instances.
      const api = new ApiClient({ url, token: this.options.token, retryDelaysMs: [], timeoutMs: 10_000 });
      const res = await publishEntry(api, this.options.blogId, input, key);
      if (res.ok && res.data.replication !== undefined && this.options.untilReplicated === true) {
        attempts.push('not_replicated');
        this.attemptsByOutcome.not_replicated += 1;
        this.options.onAttempt?.('not_replicated', Date.now());
      } else if (res.ok) {
        const outcome: AttemptOutcome = res.replayed ? 'replayed' : 'created';
        attempts.push(outcome);
        this.attemptsByOutcome[outcome] += 1;
        this.options.onAttempt?.(outcome, Date.now());
        const entry: PublishedEntry = {
          index,
          key,
          id: res.data.entry.id,
          bodyBytes: Buffer.byteLength(input.body),
          sentAt,
          answeredAt: Date.now(),
          attempts,
        };
        this.published.push(entry);
        this.options.onPublished?.(entry);
        return true;
      } else {
        const outcome = retryOutcome(res.failure);
        if (outcome === undefined) {
          this.failures.push(`entry ${index} (key ${key}): ${describe(res.failure)}`);
          return false;
        }
        attempts.push(outcome);
        this.attemptsByOutcome[outcome] += 1;
        this.options.onAttempt?.(outcome, Date.now());
      }
      if (Date.now() - sentAt > ENTRY_DEADLINE_MS) {
        this.failures.push(`entry ${index} (key ${key}): no 201 within ${ENTRY_DEADLINE_MS} ms (${attempts.join(', ')})`);
        return false;
      }
      await sleep(RETRY_PAUSE_MS);
    }
  }
}
