import { LUA_LIB } from './lib.js';

/**
 * One page of entries and the position of exactly that state.
 * KEYS: blog, meta, entries, order, log.
 * ARGV: limit, cursor ('' for the first page), epochCandidate.
 * Returns {'not_found'} | {'ok', epoch, seq, blogJson, nextCursor ('' = none), entryJson...}.
 */
export const SNAPSHOT_LUA = `${LUA_LIB}
local blog = redis.call('GET', KEYS[1])
if not blog then return {'not_found'} end
local epoch, head = ensure_meta(KEYS[2], KEYS[5], ARGV[3])
local next_cursor, entries = page(KEYS[4], KEYS[3], tonumber(ARGV[1]), ARGV[2])
local out = {'ok', epoch, head, blog, next_cursor}
for i = 1, #entries do out[#out + 1] = entries[i] end
return out
`;
