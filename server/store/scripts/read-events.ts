import { LUA_LIB } from './lib.js';

/**
 * Every event after a seq, or a reset with a first page, each with the position it reflects.
 * KEYS: blog, meta, entries, order, log.
 * ARGV: epoch ('' = unknown), after ('' = unknown), pageSize, maxEvents, epochCandidate.
 * Returns {'not_found'}
 *       | {'events', epoch, seq, eventJson...}
 *       | {'reset', epoch, seq, blogJson, nextCursor, entryJson...}.
 */
export const READ_EVENTS_LUA = `${LUA_LIB}
local blog = redis.call('GET', KEYS[1])
if not blog then return {'not_found'} end
local epoch, head = ensure_meta(KEYS[2], KEYS[5], ARGV[5])
local after = tonumber(ARGV[2])
local out = nil
if ARGV[1] == epoch and after and after <= head and head - after <= tonumber(ARGV[4]) then
  if after == head then
    out = {'events', epoch, head}
  else
    local first = redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', 1)[1]
    local first_seq = first and tonumber(string.match(first[1], '^(%d+)-'))
    if first_seq and after >= first_seq - 1 then
      local rows = redis.call('XRANGE', KEYS[5], string.format('(%d-0', after), '+')
      -- A log with holes (never expected) is answered with a reset rather than a gap.
      if #rows == head - after then
        out = {'events', epoch, head}
        for i = 1, #rows do out[#out + 1] = rows[i][2][2] end
      end
    end
  end
end
if out then return out end
local next_cursor, entries = page(KEYS[4], KEYS[3], tonumber(ARGV[3]), '')
out = {'reset', epoch, head, blog, next_cursor}
for i = 1, #entries do out[#out + 1] = entries[i] end
return out
`;
