/**
 * The `updatedAt` for a write: `now`, unless that is not after `previous` (clock skew between
 * instances, or two writes in one millisecond), then `previous` + 1 ms. Readers and the blog CAS
 * rely on `updatedAt` strictly increasing.
 *
 * @example
 * nextTimestamp(new Date('2024-01-01T00:00:00.000Z'), '2024-01-01T00:00:00.000Z'); // '2024-01-01T00:00:00.001Z'
 */
export function nextTimestamp(now: Date, previous: string): string {
  const prev = Date.parse(previous);
  const at = Number.isNaN(prev) || now.getTime() > prev ? now.getTime() : prev + 1;
  return new Date(at).toISOString();
}
