export interface RestartBackoffOptions {
  /** The wait before the second replacement in a row of a worker that keeps dying soon. */
  baseMs: number;
  /** The longest wait, however long the crash loop goes on. */
  maxMs: number;
  /** A worker that ran this long died of something passing: its replacement starts at once. */
  stableMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = { baseMs: 1_000, maxMs: 30_000, stableMs: 10_000 };

/**
 * How long to wait before replacing a worker, for one worker slot: at once after a worker that
 * ran a while, then 1 s, 2 s, 4 s ... up to 30 s while each replacement dies soon, so a worker
 * that cannot start (a bad deploy, Redis refusing it) does not keep a core busy forking.
 *
 * @example
 * const backoff = new RestartBackoff();
 * backoff.next(3_600_000); // 0: it ran an hour
 * backoff.next(200); // 1_000: the replacement died at once
 */
export class RestartBackoff {
  private streak = 0;

  constructor(private readonly options: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF) {}

  /** The delay before replacing a worker that exited after running `livedMs`. */
  next(livedMs: number): number {
    if (livedMs >= this.options.stableMs) this.streak = 0;
    const delay = this.streak === 0 ? 0 : Math.min(this.options.maxMs, this.options.baseMs * 2 ** (this.streak - 1));
    this.streak += 1;
    return delay;
  }
}
