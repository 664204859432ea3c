import { randomInt } from 'node:crypto';

/** Width of the time part: base36 milliseconds stay 9 characters until the year 5188. */
const TIME_WIDTH = 9;
const RANDOM_WIDTH = 12;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new entry id: base36 creation time (ms, zero-padded so ids sort by time as strings)
 * followed by random base36, 21 characters, matching the shared `EntryId` schema.
 *
 * @example
 * newEntryId(); // 'lx2k9a0qf3k9d0s8a1b2c'
 */
export function newEntryId(nowMs: number = Date.now()): string {
  let random = '';
  for (let i = 0; i < RANDOM_WIDTH; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return Math.max(0, Math.floor(nowMs)).toString(36).padStart(TIME_WIDTH, '0') + random;
}
