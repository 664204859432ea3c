import { LUA_LIB } from './lib.js';

/**
 * KEYS: blog, meta, entries, order, log, idem.
 * ARGV: blogId, channel, epochCandidate, entryId, entryJson, eventRest, logMax,
 *       useIdempotency ('1' | '0'), fingerprint, idempotencyTtlMs.
 * Returns {'blog_not_found'} | {'blog_ended'} | {'idempotency_key_reused'} | {'corrupt'}
 *       | {'replayed', epoch, seq, originalEntryJson} | {'ok', epoch, seq}.
 */
export const CREATE_ENTRY_LUA = `${LUA_LIB}
local blog = redis.call('GET', KEYS[1])
if not blog then return {'blog_not_found'} end
local use_idem = ARGV[8] == '1'
if use_idem then
  local prior = redis.call('HMGET', KEYS[6], 'fp', 'entry')
  if prior[1] then
    if prior[1] ~= ARGV[9] then return {'idempotency_key_reused'} end
    local epoch, head = ensure_meta(KEYS[2], KEYS[5], ARGV[3])
    return {'replayed', epoch, head, prior[2]}
  end
end
local status = json_field(blog, 'status')
if type(status) ~= 'string' then return {'corrupt'} end
if status == 'ended' then return {'blog_ended'} end
if redis.call('HEXISTS', KEYS[3], ARGV[4]) == 1 then
  return redis.error_reply('entry id ' .. ARGV[4] .. ' already exists')
end
local epoch, head = ensure_meta(KEYS[2], KEYS[5], ARGV[3])
local seq, ev = append(KEYS[2], KEYS[5], ARGV[1], epoch, head, ARGV[6], ARGV[7])
-- The order number only grows (unlike seq, which restarts with an epoch), so newer entries
-- always sort first; the zset's top guards against a meta hash that was recreated.
local ord = redis.call('HINCRBY', KEYS[2], 'ord', 1)
local top = redis.call('ZREVRANGE', KEYS[4], 0, 0, 'WITHSCORES')[2]
if top and tonumber(top) >= ord then
  ord = tonumber(top) + 1
  redis.call('HSET', KEYS[2], 'ord', ord)
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('ZADD', KEYS[4], ord, ARGV[4])
if use_idem then
  redis.call('HSET', KEYS[6], 'fp', ARGV[9], 'entry', ARGV[5])
  redis.call('PEXPIRE', KEYS[6], ARGV[10])
end
publish(ARGV[2], ev)
return {'ok', epoch, seq}
`;
