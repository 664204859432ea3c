/**
 * Remembers, per token id, when this instance last wrote `lastUsedAt`, so that a busy
 * editor costs one write a minute rather than one per request. Entries older than the
 * interval are swept, so memory stays proportional to the tokens used in the last interval.
 *
 * @example
 * const throttle = new TouchThrottle(60_000);
 * if (throttle.claim(id, Date.now())) await writeLastUsed(id);
 */
export class TouchThrottle {
  private readonly lastWrite = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly intervalMs: number) {}

  /** True when the caller should write now (and the write is then counted as done). */
  claim(id: string, nowMs: number): boolean {
    this.sweep(nowMs);
    const last = this.lastWrite.get(id);
    if (last !== undefined && nowMs - last < this.intervalMs) return false;
    this.lastWrite.set(id, nowMs);
    return true;
  }

  /** Undoes a claim whose write failed, so the next use tries again. */
  release(id: string): void {
    this.lastWrite.delete(id);
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < this.intervalMs) return;
    this.lastSweep = nowMs;
    for (const [id, at] of this.lastWrite) {
      if (nowMs - at >= this.intervalMs) this.lastWrite.delete(id);
    }
  }
}
