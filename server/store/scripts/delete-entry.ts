import { LUA_LIB } from './lib.js';

/**
 * KEYS: blog, meta, entries, order, log.
 * ARGV: blogId, channel, epochCandidate, entryId, eventRest, logMax.
 * Returns {'blog_not_found'} | {'entry_not_found'} | {'ok', epoch, seq}.
 */
export const DELETE_ENTRY_LUA = `${LUA_LIB}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'blog_not_found'} end
if redis.call('HEXISTS', KEYS[3], ARGV[4]) == 0 then return {'entry_not_found'} end
local epoch, head = ensure_meta(KEYS[2], KEYS[5], ARGV[3])
local seq, ev = append(KEYS[2], KEYS[5], ARGV[1], epoch, head, ARGV[5], ARGV[6])
redis.call('HDEL', KEYS[3], ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[4])
publish(ARGV[2], ev)
return {'ok', epoch, seq}
`;
