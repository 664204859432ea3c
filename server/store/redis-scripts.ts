import type { RedisClient } from './redis-connection.js';
import {
  CREATE_BLOG_LUA,
  CREATE_ENTRY_LUA,
  DELETE_ENTRY_LUA,
  POSITION_LUA,
  READ_EVENTS_LUA,
  ROTATE_EPOCH_LUA,
  SNAPSHOT_LUA,
  UPDATE_BLOG_LUA,
  UPDATE_ENTRY_LUA,
} from './scripts/index.js';

/** Every store script: ioredis command name, number of KEYS, source. */
const SCRIPTS = {
  createBlog: { command: 'lbCreateBlog', keys: 5, lua: CREATE_BLOG_LUA },
  updateBlog: { command: 'lbUpdateBlog', keys: 3, lua: UPDATE_BLOG_LUA },
  createEntry: { command: 'lbCreateEntry', keys: 6, lua: CREATE_ENTRY_LUA },
  updateEntry: { command: 'lbUpdateEntry', keys: 4, lua: UPDATE_ENTRY_LUA },
  deleteEntry: { command: 'lbDeleteEntry', keys: 5, lua: DELETE_ENTRY_LUA },
  snapshot: { command: 'lbSnapshot', keys: 5, lua: SNAPSHOT_LUA },
  readEvents: { command: 'lbReadEvents', keys: 5, lua: READ_EVENTS_LUA },
  position: { command: 'lbPosition', keys: 3, lua: POSITION_LUA },
  rotateEpoch: { command: 'lbRotateEpoch', keys: 3, lua: ROTATE_EPOCH_LUA },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Runs one script with its KEYS and ARGV; resolves with the raw Lua reply. */
export type ScriptRunner = (name: ScriptName, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Registers the store scripts on a connection (ioredis sends EVALSHA and falls back to EVAL
 * when Redis lost its script cache, e.g. after a restart). Every call gets the publish command
 * as its last ARGV: SPUBLISH on a Cluster (sharded pub/sub: the event stays on the blog's shard),
 * PUBLISH on a single Redis.
 *
 * @example
 * const run = defineStoreScripts(redis);
 * const reply = await run('position', [k.blog, k.meta, k.log], [newEpoch()]);
 */
export function defineStoreScripts(redis: RedisClient): ScriptRunner {
  for (const script of Object.values(SCRIPTS)) {
    redis.defineCommand(script.command, { numberOfKeys: script.keys, lua: script.lua });
  }
  const commands = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  const publish = redis.isCluster ? 'SPUBLISH' : 'PUBLISH';
  return (name, keys, args) => {
    const script = SCRIPTS[name];
    if (keys.length !== script.keys) throw new Error(`${name} takes ${script.keys} keys, got ${keys.length}`);
    const command = commands[script.command];
    if (command === undefined) throw new Error(`script ${script.command} is not defined`);
    return command.call(redis, ...keys, ...args, publish);
  };
}
