import { LUA_LIB } from './lib.js';

/**
 * KEYS: blog, meta, entries, order, log.
 * ARGV: blogId, channel, epochCandidate, blogJson, eventRest, logMax.
 * Returns {'exists'} | {'ok', epoch, seq}.
 */
export const CREATE_BLOG_LUA = `${LUA_LIB}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
-- Leftovers of a blog whose header vanished would break the new log; a new blog starts clean.
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('HSET', KEYS[2], 'epoch', ARGV[3], 'seq', 0, 'ord', 0)
local seq, ev = append(KEYS[2], KEYS[5], ARGV[1], ARGV[3], 0, ARGV[5], ARGV[6])
redis.call('SET', KEYS[1], ARGV[4])
publish(ARGV[2], ev)
return {'ok', ARGV[3], seq}
`;
