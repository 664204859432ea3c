import { Cluster, ReplyError } from 'ioredis';
import type { RedisClient } from './redis-connection.js';
import { isRedisUnavailable } from './redis-connection.js';

/**
 * Whether Redis keeps anything on disk: AOF (`appendonly yes`) and RDB (a non-empty `save`).
 * Managed Redis often disables CONFIG; then INFO tells whether AOF is on and whether an RDB
 * save ever happened (a best guess: INFO does not show the `save` schedule). On a Cluster, every
 * primary is asked and each answer is true only when it holds for all of them. Connection
 * failures are rethrown as they are, for the caller to map.
 *
 * @example
 * const { aof, rdb } = await readPersistence(redis);
 */
export async function readPersistence(redis: RedisClient): Promise<{ aof: boolean; rdb: boolean }> {
  if (redis instanceof Cluster) {
    // CONFIG and INFO are per node: a blog is as durable as the primary that owns its slot.
    const primaries = redis.nodes('master');
    const each = await Promise.all(primaries.map((node) => readPersistence(node)));
    return { aof: each.length > 0 && each.every((p) => p.aof), rdb: each.length > 0 && each.every((p) => p.rdb) };
  }
  try {
    const appendonly = configValue(await redis.config('GET', 'appendonly'));
    const save = configValue(await redis.config('GET', 'save'));
    return { aof: appendonly === 'yes', rdb: (save ?? '').trim() !== '' };
  } catch (err) {
    // Only a refused command (renamed, ACL) falls back; an outage is an outage.
    if (!(err instanceof ReplyError) || isRedisUnavailable(err)) throw err;
  }
  const fields = new Map(
    (await redis.info('persistence')).split(/\r?\n/).map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
    }),
  );
  const everSaved = Number(fields.get('rdb_saves') ?? '0') > 0 || (fields.get('rdb_last_bgsave_time_sec') ?? '-1') !== '-1';
  return { aof: fields.get('aof_enabled') === '1', rdb: everSaved };
}

/** `CONFIG GET x` answers `[x, value]`. */
function configValue(reply: unknown): string | undefined {
  return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
}
