export interface FailedAuthLimiterOptions {
  /** Failures allowed per address within any `windowMs`; the next one is refused. */
  maxFailures: number;
  windowMs: number;
  /** Clock in epoch ms; tests move it across windows. */
  now?: () => number;
  /** Addresses remembered at most; beyond it the least recently failing are forgotten. */
  maxAddresses?: number;
}

/**
 * Verdict on one failed authentication. `limited` means the address already used up its
 * failures: answer 429 instead of 401. `firstRefusal` is true once per blocked spell, so
 * the caller can log it without letting an attacker flood the logs.
 */
export type FailureVerdict =
  | { outcome: 'counted' }
  | { outcome: 'limited'; retryAfterSeconds: number; firstRefusal: boolean };

interface AddressState {
  /** Times of the failures still inside the window, oldest first; never more than `maxFailures`. */
  failures: number[];
  refusedSinceLimited: boolean;
}

/**
 * Slows token guessing: per client address, at most `maxFailures` failed authentications in
 * any sliding window of `windowMs`. Only failures are counted and refused, so an editor with a
 * valid token behind the same NAT as a guesser is never locked out. In-memory, per instance.
 * Memory is bounded: at most `maxFailures` timestamps per address, stale addresses are swept,
 * and at most `maxAddresses` addresses are kept.
 *
 * @example
 * const limiter = new FailedAuthLimiter({ maxFailures: 10, windowMs: 60_000 });
 * const verdict = limiter.recordFailure(req.ip ?? 'unknown');
 * if (verdict.outcome === 'limited') res.set('Retry-After', String(verdict.retryAfterSeconds));
 */
export class FailedAuthLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxAddresses: number;
  private readonly byAddress = new Map<string, AddressState>();
  private lastSweep = 0;

  constructor(options: FailedAuthLimiterOptions) {
    if (!Number.isInteger(options.maxFailures) || options.maxFailures < 1) throw new RangeError('maxFailures must be a positive integer');
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be positive');
    this.maxFailures = options.maxFailures;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Counts one failed authentication from `address`, unless the address is already limited. */
  recordFailure(address: string): FailureVerdict {
    const nowMs = this.now();
    this.sweep(nowMs);
    const state = this.byAddress.get(address) ?? { failures: [], refusedSinceLimited: false };
    state.failures = state.failures.filter((at) => nowMs - at < this.windowMs);
    // re-inserting keeps the Map in least-recently-failing order for eviction
    this.byAddress.delete(address);
    this.byAddress.set(address, state);

    const oldest = state.failures[0];
    if (oldest !== undefined && state.failures.length >= this.maxFailures) {
      // refusals are not counted: once the oldest failure leaves the window, one more try is allowed
      const firstRefusal = !state.refusedSinceLimited;
      state.refusedSinceLimited = true;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + this.windowMs - nowMs) / 1000));
      return { outcome: 'limited', retryAfterSeconds, firstRefusal };
    }
    state.refusedSinceLimited = false;
    state.failures.push(nowMs);
    this.evictOverflow();
    return { outcome: 'counted' };
  }

  /** Addresses currently remembered (for tests of the memory bound). */
  get size(): number {
    return this.byAddress.size;
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < this.windowMs) return;
    this.lastSweep = nowMs;
    for (const [address, state] of this.byAddress) {
      const newest = state.failures[state.failures.length - 1];
      if (newest === undefined || nowMs - newest >= this.windowMs) this.byAddress.delete(address);
    }
  }

  private evictOverflow(): void {
    for (const address of this.byAddress.keys()) {
      if (this.byAddress.size <= this.maxAddresses) return;
      this.byAddress.delete(address);
    }
  }
}
