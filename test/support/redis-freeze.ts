import type { TestRedis } from './redis-server.js';

/**
 * Freezes a test redis-server with SIGSTOP, as a stalled host or a long fork would: connections
 * stay open, commands are queued unanswered, and run when `thaw` sends SIGCONT. Call `thaw` in a
 * `finally`; `TestRedis.close()` kills a frozen server too.
 *
 * @example
 * const thaw = await freezeRedis(redis);
 * try { ... } finally { await thaw(); }
 */
export async function freezeRedis(redis: TestRedis): Promise<() => Promise<void>> {
  const info = await redis.admin.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`no process_id in INFO server:\n${info}`);
  process.kill(pid, 'SIGSTOP');
  let thawed = false;
  return async () => {
    if (thawed) return;
    thawed = true;
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone (killed by close()): nothing to resume
    }
  };
}
