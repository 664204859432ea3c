import { LUA_LIB } from './lib.js';

/**
 * KEYS: blog, meta, log. ARGV: epochCandidate.
 * Returns {'not_found'} | {'ok', epoch, seq}.
 */
export const POSITION_LUA = `${LUA_LIB}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
local epoch, head = ensure_meta(KEYS[2], KEYS[3], ARGV[1])
return {'ok', epoch, head}
`;
