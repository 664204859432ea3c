import { LUA_LIB } from './lib.js';

/**
 * Starts a new epoch (seq 1 = blog.updated with the current header) if the log is still in the expected one.
 * KEYS: blog, meta, log.
 * ARGV: blogId, channel, expectedEpoch, newEpoch, at, logMax.
 * Returns {'blog_not_found'} | {'epoch_changed'} | {'ok', epoch, seq}.
 */
export const ROTATE_EPOCH_LUA = `${LUA_LIB}
local blog = redis.call('GET', KEYS[1])
if not blog then return {'blog_not_found'} end
if redis.call('HGET', KEYS[2], 'epoch') ~= ARGV[3] then return {'epoch_changed'} end
redis.call('HSET', KEYS[2], 'epoch', ARGV[4], 'seq', 0)
redis.call('DEL', KEYS[3])
-- Same layout as eventRest() in event-json.ts.
local rest = '"at":"' .. ARGV[5] .. '","type":"blog.updated","blog":' .. blog .. '}'
local seq, ev = append(KEYS[2], KEYS[3], ARGV[1], ARGV[4], 0, rest, ARGV[6])
publish(ARGV[2], ev)
return {'ok', ARGV[4], seq}
`;
