const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * How long to wait before retry number `failures` (0 for the first retry): 250 ms doubling
 * up to 5 s, jittered down to half so that readers refused together do not come back together.
 *
 * @example
 * retryDelay(0); // between 125 and 250
 * retryDelay(9); // between 2500 and 5000
 */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(Math.max(failures, 0), 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
