import { LUA_LIB } from './lib.js';

/**
 * Replaces an entry if its stored version is still nextVersion - 1.
 * KEYS: blog, meta, entries, log.
 * ARGV: blogId, channel, epochCandidate, entryId, nextJson, nextVersion, eventRest, logMax.
 * Returns {'blog_not_found'} | {'entry_not_found'} | {'corrupt'} | {'version_conflict', storedJson} | {'ok', epoch, seq}.
 */
export const UPDATE_ENTRY_LUA = `${LUA_LIB}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'blog_not_found'} end
local stored = redis.call('HGET', KEYS[3], ARGV[4])
if not stored then return {'entry_not_found'} end
local version = json_field(stored, 'version')
if type(version) ~= 'number' then return {'corrupt'} end
if version ~= tonumber(ARGV[6]) - 1 then return {'version_conflict', stored} end
local epoch, head = ensure_meta(KEYS[2], KEYS[4], ARGV[3])
local seq, ev = append(KEYS[2], KEYS[4], ARGV[1], epoch, head, ARGV[7], ARGV[8])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
publish(ARGV[2], ev)
return {'ok', epoch, seq}
`;
