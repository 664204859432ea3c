/**
 * Times on the page are UTC: the newsroom and its readers may be anywhere, and the server
 * and the browser must print the same thing for the same instant.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * "HH:MM" of an ISO timestamp, in UTC.
 *
 * @example
 * formatUtcTime('2025-03-01T14:05:09.000Z'); // '14:05'
 */
export function formatUtcTime(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * "1 Mar 2025" of an ISO timestamp, in UTC.
 *
 * @example
 * formatUtcDate('2025-03-01T14:05:09.000Z'); // '1 Mar 2025'
 */
export function formatUtcDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}`;
}

/**
 * "1 Mar 2025, 14:05 UTC": for tooltips and notes where the day matters.
 *
 * @example
 * formatUtcDateTime('2025-03-01T14:05:09.000Z'); // '1 Mar 2025, 14:05 UTC'
 */
export function formatUtcDateTime(iso: string): string {
  return `${formatUtcDate(iso)}, ${formatUtcTime(iso)} UTC`;
}

/**
 * How long ago `then` was, as a reader says it. A time slightly in the future (clocks
 * disagree by a few seconds) is "just now".
 *
 * @example
 * formatRelative('2025-03-01T14:00:00Z', new Date('2025-03-01T14:05:00Z')); // '5 min ago'
 */
export function formatRelative(then: string | Date, now: Date | number): string {
  const seconds = Math.floor((toMs(now) - toMs(then)) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

function toMs(t: string | Date | number): number {
  return typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
}

/**
 * The later of two ISO timestamps (both `Date#toISOString`, so they compare as strings).
 *
 * @example
 * laterOf('2025-03-01T14:00:00.000Z', '2025-03-01T13:00:00.000Z'); // '2025-03-01T14:00:00.000Z'
 */
export function laterOf(a: string, b: string): string {
  return a >= b ? a : b;
}

/**
 * "2:05" for a video's duration in seconds; hours when it has them.
 *
 * @example
 * formatDuration(3725); // '1:02:05'
 */
export function formatDuration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
