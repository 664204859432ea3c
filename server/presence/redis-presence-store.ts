import type { RedisClient } from '../store/index.js';
import { z } from 'zod';
import type { BlogId } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import { isRedisUnavailable } from '../store/redis-connection.js';
import { checkReport, readersKey, type PresenceStore } from './presence-store.js';

/**
 * KEYS: the blog's readers hash. ARGV: instanceId, count, ttlMs. Returns the total of unexpired counts.
 * Time comes from Redis (TIME), so instances with skewed clocks still agree on what has expired.
 * Unreadable or expired fields are removed; the key expires with its last field, so a blog
 * nobody reads any more leaves nothing behind.
 */
const REPORT_READERS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[2])
if count > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%d', count, now + tonumber(ARGV[3])))
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local fields = redis.call('HGETALL', KEYS[1])
local total, latest, stale = 0, 0, {}
for i = 1, #fields, 2 do
  local value = fields[i + 1]
  local sep = string.find(value, ':', 1, true)
  local n = sep and tonumber(string.sub(value, 1, sep - 1))
  local expires = sep and tonumber(string.sub(value, sep + 1))
  if n == nil or expires == nil or expires <= now then
    stale[#stale + 1] = fields[i]
  else
    total = total + n
    if expires > latest then latest = expires end
  end
end
if #stale > 0 then redis.call('HDEL', KEYS[1], unpack(stale)) end
if latest > 0 then redis.call('PEXPIREAT', KEYS[1], latest) end
return total
`;

const COMMAND = 'lbReportReaders';
const Total = z.number().int().min(0);

type ReportCommand = (key: string, instanceId: string, count: number, ttlMs: number) => Promise<unknown>;

/**
 * Reader counts in Redis, one hash per blog (`lb:{blogId}:readers`), updated and summed by one
 * Lua script per blog so a report never sees another half-applied. Uses the data connection;
 * the caller owns (connects, closes) it.
 *
 * @example
 * const presenceStore = new RedisPresenceStore(redis);
 * const totals = await presenceStore.report('instance-a', new Map([['storm', 12]]), 9_000);
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly command: ReportCommand;

  constructor(private readonly redis: RedisClient) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: REPORT_READERS_LUA });
    const command = (redis as unknown as Record<string, ReportCommand | undefined>)[COMMAND];
    if (command === undefined) throw new Error(`script ${COMMAND} is not defined`);
    this.command = command;
  }

  async report(instanceId: string, counts: ReadonlyMap<BlogId, number>, ttlMs: number): Promise<Map<BlogId, number>> {
    checkReport(instanceId, counts, ttlMs);
    const blogs = [...counts];
    // Sent together: ioredis pipelines them on the one connection.
    const replies = await Promise.all(
      blogs.map(([blogId, count]) => this.command.call(this.redis, readersKey(blogId), instanceId, count, ttlMs)),
    ).catch((err: unknown) => {
      if (isRedisUnavailable(err)) throw new AppError('store_unavailable', 'the presence store cannot be reached', { cause: err });
      throw err;
    });
    const totals = new Map<BlogId, number>();
    blogs.forEach(([blogId], i) => totals.set(blogId, Total.parse(replies[i])));
    return totals;
  }
}
