import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so two equal values always give the same text
 * whatever order their keys were written in. Undefined properties are dropped, as JSON does.
 *
 * @example
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/**
 * The request fingerprint an idempotency key is bound to: sha256 (hex) of the canonical JSON
 * of the parsed input, so a retry that differs only in key order or defaults still matches.
 *
 * @example
 * fingerprintOf({ kind: 'text', body: 'hi' }) === fingerprintOf({ body: 'hi', kind: 'text' }); // true
 */
export function fingerprintOf(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}
