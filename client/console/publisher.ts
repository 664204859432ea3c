import type { Entry } from '../../shared/index.js';
import { describeFailure, isTransient, type ApiFailure, type ConsoleApi } from './api.js';
import { newIdempotencyKey, type Draft } from './draft.js';
import { createBodyOf, problemsOfDetails, type FieldProblem } from './entry-fields.js';

/**
 * Where the composer's publishing stands:
 * - `idle`: nothing to send;
 * - `sending`: a request is in flight (the composer is locked meanwhile);
 * - `waiting-online`: asked to publish while offline; sent as soon as the browser is online;
 * - `retrying`: the last attempt got no answer (or the server was down); sent again at `retryAt`;
 * - `refused`: the server (or the form check) said no; the editor has to act.
 */
export type PublishState =
  | { phase: 'idle' }
  | { phase: 'sending' }
  | { phase: 'waiting-online' }
  | { phase: 'retrying'; retryAt: number; message: string }
  | { phase: 'refused'; message: string; problems: FieldProblem[] };

export interface PublisherDeps {
  api: Pick<ConsoleApi, 'createEntry'>;
  blogId: string;
  /** Who is signed in (the entry's author). */
  author: string;
  /** The composer's draft as it is now. */
  draft(): Draft;
  /** Keeps the draft (its `queued` flag or a new key) where a reload finds it. */
  keep(draft: Draft): void;
  /** Stored (or found stored under the draft's key): the composer starts a new draft. */
  published(entry: Entry, replayed: boolean): void;
  changed(state: PublishState): void;
  /** The token was refused: the console asks the editor to sign in again. */
  unauthenticated(): void;
  /** The browser's online signal. */
  online(): boolean;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * Delay before retry number `failures` (0-based): 1 s doubling to 30 s, jittered down to half
 * so consoles that lost the server together do not all come back in the same instant.
 *
 * @example
 * publishRetryDelay(0); // 500–1000
 */
export function publishRetryDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(Math.max(failures, 0), 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * What the editor reads while a publish waits for its next attempt. When the last attempt may have
 * been stored (no answer, a gateway error, or the store not confirming it), it says why sending it
 * again is safe.
 *
 * @example
 * retryingMessage({ kind: 'network', message: 'Failed to fetch' });
 * // 'The server could not be reached. Check the connection. It is sent again with the same key, so it is published once.'
 */
export function retryingMessage(failure: ApiFailure): string {
  const said = describeFailure(failure);
  const maybeStored =
    failure.kind === 'network' || (failure.kind === 'unreadable' && failure.status >= 500) || (failure.kind === 'refused' && failure.code === 'store_timeout');
  return maybeStored ? `${said} It is sent again with the same key, so it is published once.` : `${said} Not published yet.`;
}

/**
 * Publishes the composer's draft safely. The draft's Idempotency-Key makes every attempt the
 * same request, so a double click, a retry after a lost answer, or a reload mid-publish stores
 * one entry. One request at a time; offline it waits for the browser's `online`; on no answer,
 * a store outage (503), a write the store did not confirm (504 `store_timeout`) or a rate limit it
 * retries with backoff (at least `Retry-After`) until stored or refused.
 *
 * @example
 * const publisher = new Publisher({ api, blogId, draft: () => composer.draft, keep, published, changed, unauthenticated, online: () => navigator.onLine });
 * publishButton.onclick = () => publisher.publish();
 * window.addEventListener('online', () => publisher.wake());
 */
export class Publisher {
  private current: PublishState = { phase: 'idle' };
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly deps: PublisherDeps) {}

  get state(): PublishState {
    return this.current;
  }

  /** The editor asks to publish the draft (button, Ctrl+Enter). Ignored while a request is in flight. */
  publish(): void {
    if (this.disposed || this.current.phase === 'sending') return;
    const draft = this.deps.draft();
    const checked = createBodyOf(draft, draft);
    if (!checked.ok) {
      this.set({ phase: 'refused', message: 'Check the highlighted fields.', problems: checked.problems });
      return;
    }
    this.deps.keep({ ...draft, queued: true, queuedBy: this.deps.author });
    this.failures = 0;
    void this.send();
  }

  /**
   * A draft that was queued before a reload: publish it without asking again, but only for the
   * editor who asked (drafts are kept per device, and someone else may have signed in since).
   */
  resume(): void {
    const draft = this.deps.draft();
    if (!draft.queued) return;
    if (draft.queuedBy === this.deps.author) return this.publish();
    this.deps.keep({ ...draft, queued: false });
    this.set({
      phase: 'refused',
      message: `This draft was waiting to be published by ${draft.queuedBy ?? 'another editor'} and was not sent. Publish it yourself if it should go out.`,
      problems: [],
    });
  }

  /** Back online (or the editor pressed "Retry now"): send a waiting draft at once. */
  wake(): void {
    if (this.current.phase === 'waiting-online' || this.current.phase === 'retrying') void this.send();
  }

  /** The browser went offline: a scheduled retry now waits for `online` instead. */
  offline(): void {
    if (this.current.phase !== 'retrying') return;
    clearTimeout(this.timer);
    this.set({ phase: 'waiting-online' });
  }

  /** Stops a waiting or retrying publish; the draft stays as it is. Not possible while in flight. */
  cancel(): void {
    if (this.current.phase === 'sending') return;
    clearTimeout(this.timer);
    this.deps.keep({ ...this.deps.draft(), queued: false });
    this.set({ phase: 'idle' });
  }

  /** The editor changed the draft after a refusal: the message no longer applies. */
  dismiss(): void {
    if (this.current.phase === 'refused') this.set({ phase: 'idle' });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private async send(): Promise<void> {
    clearTimeout(this.timer);
    if (this.disposed || this.current.phase === 'sending') return;
    if (!this.deps.online()) {
      this.set({ phase: 'waiting-online' });
      return;
    }
    // the draft may have been edited while it waited: send it as it is now, under the same key
    const draft = this.deps.draft();
    const checked = createBodyOf(draft, draft);
    if (!checked.ok) {
      this.deps.keep({ ...draft, queued: false });
      this.set({ phase: 'refused', message: 'Check the highlighted fields.', problems: checked.problems });
      return;
    }
    this.set({ phase: 'sending' });
    const result = await this.deps.api.createEntry(this.deps.blogId, checked.value, draft.key);
    if (this.disposed) return;
    if (result.ok) {
      this.failures = 0;
      this.set({ phase: 'idle' });
      this.deps.published(result.value.entry, result.replayed);
      return;
    }
    this.failed(result.failure, draft);
  }

  private failed(failure: ApiFailure, draft: Draft): void {
    if (isTransient(failure)) {
      if (!this.deps.online()) {
        this.set({ phase: 'waiting-online' });
        return;
      }
      const retryAfterMs = failure.kind === 'refused' && failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : 0;
      const delay = Math.max(retryAfterMs, publishRetryDelay(this.failures));
      this.failures += 1;
      this.timer = setTimeout(() => void this.send(), delay);
      this.set({ phase: 'retrying', retryAt: Date.now() + delay, message: retryingMessage(failure) });
      return;
    }
    if (failure.kind !== 'refused') return this.refuse(draft, describeFailure(failure));
    switch (failure.code) {
      case 'idempotency_key_reused':
        // an earlier attempt of this draft got through before its answer was lost, and the
        // draft changed since: the stored one is in the stream; this text becomes a new draft
        this.deps.keep({ ...draft, key: newIdempotencyKey(), queued: false });
        this.set({
          phase: 'refused',
          message: 'An earlier version of this draft was already published before the connection dropped. Check the stream; your changes are kept here as a new draft.',
          problems: [],
        });
        return;
      case 'unauthenticated':
        this.refuse(draft, describeFailure(failure));
        this.deps.unauthenticated();
        return;
      case 'validation_failed':
        this.refuse(draft, 'The server refused the entry: check the highlighted fields.', problemsOfDetails(failure.details));
        return;
      case 'malformed_json':
      case 'forbidden':
      case 'not_found':
      case 'blog_not_found':
      case 'entry_not_found':
      case 'blog_exists':
      case 'blog_ended':
      case 'version_conflict':
      case 'payload_too_large':
      case 'rate_limited':
      case 'store_unavailable':
      case 'store_timeout':
      case 'body_too_complex':
      case 'internal':
        this.refuse(draft, describeFailure(failure));
        return;
      default:
        failure.code satisfies never;
    }
  }

  private refuse(draft: Draft, message: string, problems: FieldProblem[] = []): void {
    this.deps.keep({ ...draft, queued: false });
    this.set({ phase: 'refused', message, problems });
  }

  private set(state: PublishState): void {
    this.current = state;
    this.deps.changed(state);
  }
}
