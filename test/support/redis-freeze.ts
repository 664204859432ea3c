import type { Metrics } from '../../server/metrics/index.js';
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

/**
 * Waits until `metrics` counts one more timed-out store command than when called (call it right
 * after sending; a command takes 2 s to time out): a write answered 504 `store_timeout` is then on
 * its way to its client. Lets a test thaw Redis right after the first 504, so the client's retry
 * meets a running Redis without the test guessing at durations.
 *
 * @example
 * const thaw = await freezeRedis(redis);
 * const posting = runCli(['post', 'storm', 'text'], { env });
 * await storeTimedOut(server.application.metrics);
 * await thaw();
 */
export async function storeTimedOut(metrics: Metrics, waitMs = 30_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  const timeouts = async (): Promise<number> => (await metrics.redisErrors.counter.get()).values.find((v) => v.labels.kind === 'timeout')?.value ?? 0;
  const before = await timeouts();
  for (;;) {
    if ((await timeouts()) > before) return;
    if (Date.now() > deadline) throw new Error(`no store command timed out within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
