/**
 * Lua helpers prepended to every store script. Each script is one atomic step; Redis does
 * not roll back a script that fails halfway, so scripts check everything first and write after.
 * Once a script has written, Redis lets the rest of it write even under maxmemory, so the
 * first write decides whether the whole script can go through.
 */
export const LUA_LIB = `
-- The runner appends the publish command to every script's ARGV: PUBLISH on a single Redis,
-- SPUBLISH on a Cluster (the event reaches only the shard that owns the blog's slot).
local function publish(channel, ev)
  redis.call(ARGV[#ARGV], channel, ev)
end

-- The meta hash holds the log's epoch and head seq. A blog whose meta vanished (evicted,
-- hand-deleted) gets a new log in the candidate epoch, so readers reset instead of erroring.
local function ensure_meta(meta, log, candidate)
  local m = redis.call('HMGET', meta, 'epoch', 'seq')
  if m[1] then return m[1], tonumber(m[2]) or 0 end
  redis.call('HSET', meta, 'epoch', candidate, 'seq', 0)
  redis.call('DEL', log)
  return candidate, 0
end

-- Stamps the unstamped event by concatenation (cjson would mangle empty arrays and numbers),
-- appends it at <seq>-0 to the capped log and moves the head. The caller publishes the
-- returned bytes after writing its state.
local function append(meta, log, blog_id, epoch, seq, rest, log_max)
  local next_seq = seq + 1
  local seq_str = string.format('%d', next_seq)
  local ev = '{"blogId":"' .. blog_id .. '","epoch":"' .. epoch .. '","seq":' .. seq_str .. ',' .. rest
  redis.call('XADD', log, 'MAXLEN', log_max, seq_str .. '-0', 'e', ev)
  redis.call('HSET', meta, 'seq', next_seq)
  return next_seq, ev
end

-- One field of a stored JSON document, or nil when the document is not readable.
local function json_field(json, name)
  local ok, doc = pcall(cjson.decode, json)
  if not ok or type(doc) ~= 'table' then return nil end
  return doc[name]
end

-- One page of entries, newest first: limit+1 ids are read to know whether an older page exists.
-- Ids without a stored entry come back as '' so the caller can log the inconsistency.
local function page(order, entries, limit, cursor)
  local rows
  if cursor == '' then
    rows = redis.call('ZREVRANGE', order, 0, limit, 'WITHSCORES')
  else
    rows = redis.call('ZREVRANGEBYSCORE', order, '(' .. cursor, '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1)
  end
  local count = #rows / 2
  local take = math.min(count, limit)
  local next_cursor = ''
  if count > limit then next_cursor = rows[2 * limit] end
  local out = {}
  for i = 1, take do
    out[i] = redis.call('HGET', entries, rows[2 * i - 1]) or ''
  end
  return next_cursor, out
end
`;
