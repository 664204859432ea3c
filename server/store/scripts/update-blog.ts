import { LUA_LIB } from './lib.js';

/**
 * Compare-and-set of the blog header on its stored `updatedAt`.
 * KEYS: blog, meta, log.
 * ARGV: blogId, channel, epochCandidate, nextJson, expectedUpdatedAt, eventRest, logMax.
 * Returns {'not_found'} | {'corrupt'} | {'changed', storedJson} | {'ok', epoch, seq}.
 */
export const UPDATE_BLOG_LUA = `${LUA_LIB}
local stored = redis.call('GET', KEYS[1])
if not stored then return {'not_found'} end
local updated_at = json_field(stored, 'updatedAt')
if type(updated_at) ~= 'string' then return {'corrupt'} end
if updated_at ~= ARGV[5] then return {'changed', stored} end
local epoch, head = ensure_meta(KEYS[2], KEYS[3], ARGV[3])
local seq, ev = append(KEYS[2], KEYS[3], ARGV[1], epoch, head, ARGV[6], ARGV[7])
redis.call('SET', KEYS[1], ARGV[4])
publish(ARGV[2], ev)
return {'ok', epoch, seq}
`;
