const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/** Grows from `firstMs` doubling per failure up to `maxMs`; each wait lies between half of that and all of it. */
function doubling(failures: number, firstMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(failures, 0), 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How long to wait before retry number `failures` (0 for the first retry): 250 ms doubling
 * up to 5 s, jittered down to half so that readers refused together do not come back together.
 *
 * @example
 * retryDelay(0); // between 125 and 250
 * retryDelay(9); // between 2500 and 5000
 */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  return doubling(failures, FIRST_DELAY_MS, MAX_DELAY_MS, random);
}

/** When a reader connection that was lost (or closed by the server) is made again. */
export interface ReconnectSchedule {
  /** The first attempt is spread evenly over this window, starting at once. */
  windowMs: number;
  /** After a failed attempt: this (jittered down to half), doubling per failure… */
  retryMs: number;
  /** …up to this. */
  maxMs: number;
}

/**
 * The reader library's schedule, also followed by the benchmark's load generator. An instance
 * that goes away takes all its readers with it; were they all to come back after the same
 * delay, the instance (or the ones that take them over) would get every handshake and catch-up
 * in the same instant, overflow its accept queue and leave readers to TCP's 1 s and 3 s SYN
 * retries. Spread over 2.5 s, 10,000 readers arrive about as fast as one instance can take
 * them, and the last of them is still back well within 5 s (docs/operations.md, "Reconnect
 * storms"). A reader that finds no server retries 0.5–1 s later, and then less and less often.
 */
export const RECONNECT_SCHEDULE: ReconnectSchedule = { windowMs: 2_500, retryMs: 1_000, maxMs: MAX_DELAY_MS };

/**
 * How long to wait before reconnect attempt `attempt`: 0 is the first after a lost connection
 * or a server's close, anywhere in `[0, windowMs]`; each failed attempt adds one, and waits
 * `retryMs` doubling up to `maxMs`, jittered down to half.
 *
 * @example
 * reconnectDelay(0); // between 0 and 2500
 * reconnectDelay(1); // between 500 and 1000
 * reconnectDelay(9); // between 2500 and 5000
 */
export function reconnectDelay(
  attempt: number,
  schedule: ReconnectSchedule = RECONNECT_SCHEDULE,
  random: () => number = Math.random,
): number {
  if (attempt <= 0) return Math.round(random() * schedule.windowMs);
  return doubling(attempt - 1, schedule.retryMs, schedule.maxMs, random);
}
