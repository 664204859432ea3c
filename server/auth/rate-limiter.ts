import type { Response } from 'express';
import type { RedisClient } from '../store/index.js';
import { RLWrapperTimeouts, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitName } from '../../shared/errors.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';

/** Requests allowed per minute for each limit (`RATE_LIMIT_*`). */
export interface RateLimits {
  writesPerMinute: number;
  previewsPerMinute: number;
  failedAuthPerMinute: number;
}

/**
 * Where the counters live in Redis: `lb:rl:<limit>:<token id or address>`, one string per key and
 * minute. No hash tag and only single-key commands, so they spread over a Redis Cluster, and the
 * prefix can never be a blog's (`lb:{<id>}:…`) or the blog index (`lb:blogs`).
 */
export const RATE_LIMIT_KEY_PREFIX = 'lb:rl';

const WINDOW_SECONDS = 60;

/**
 * How long a request waits for Redis to count it before this instance counts it in memory. Far
 * above a healthy answer (well under a millisecond), far below the 2 s command timeout: a stalled
 * Redis must not add seconds to every write on top of the write's own timeout.
 */
export const LIMIT_ANSWER_TIMEOUT_MS = 300;

/** The outcome of counting one request against a limit. */
export type LimitVerdict =
  | { outcome: 'allowed' }
  /** `firstRefusal` is true once per key and window, so a refusal can be logged without flooding the log. */
  | { outcome: 'limited'; retryAfterSeconds: number; firstRefusal: boolean };

/**
 * One limit: at most `perMinute` counted requests per key in each fixed one-minute window.
 *
 * @example
 * const verdict = await limiter.take(tokenId);
 */
export interface Limiter {
  readonly name: RateLimitName;
  readonly perMinute: number;
  take(key: string): Promise<LimitVerdict>;
}

/**
 * A limit shared by every instance through Redis when `redis` is given (rate-limiter-flexible's
 * RateLimiterRedis: one atomic INCR-with-expiry script per request), else counted in this process.
 * While Redis does not answer within `LIMIT_ANSWER_TIMEOUT_MS` (down, stalled), each instance counts
 * in its own memory instead (the library's insurance limiter): the limit then holds per instance
 * rather than not at all. A key that is over its limit is remembered locally until its window
 * ends, so a flood costs Redis nothing.
 *
 * @example
 * const writes = createLimiter('writes', 120, redis);
 */
export function createLimiter(name: RateLimitName, perMinute: number, redis?: RedisClient): Limiter {
  const keyPrefix = `${RATE_LIMIT_KEY_PREFIX}:${name}`;
  const memory = new RateLimiterMemory({ keyPrefix, points: perMinute, duration: WINDOW_SECONDS });
  // the insurance sits on the wrapper only: a Redis answer that comes too late is dropped, not counted twice
  const limiter =
    redis === undefined
      ? memory
      : new RLWrapperTimeouts({
          limiter: new RateLimiterRedis({ storeClient: redis, keyPrefix, points: perMinute, duration: WINDOW_SECONDS, inMemoryBlockOnConsumed: perMinute + 1 }),
          timeoutMs: LIMIT_ANSWER_TIMEOUT_MS,
          insuranceLimiter: memory,
        });
  return {
    name,
    perMinute,
    async take(key) {
      try {
        await limiter.consume(key);
        return { outcome: 'allowed' };
      } catch (rejection) {
        // the insurance limiter answers whenever Redis does not, so only a refusal arrives here
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return {
          outcome: 'limited',
          retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          // the count passes the limit once per window, whichever instance sees it
          firstRefusal: rejection.consumedPoints === perMinute + 1,
        };
      }
    },
  };
}

/** What a refusal says, per limit. */
const REFUSALS: Record<RateLimitName, { what: string; log: string }> = {
  writes: { what: 'too many writes with this token', log: 'write limit reached for a token' },
  previews: { what: 'too many previews with this token', log: 'preview limit reached for a token' },
  failed_auth: { what: 'too many failed authentications from this address', log: 'too many failed authentications; refusing further failures from this address' },
};

/**
 * Turns a `limited` verdict into the 429 for the error handler: sets `Retry-After`, counts it, and
 * logs the first refusal of each window (never the key itself when it is a token id).
 *
 * @example
 * if (verdict.outcome === 'limited') throw refusal(limiter, verdict, res, { metrics, log, logged: { ip } });
 */
export function refusal(
  limiter: Limiter,
  verdict: Extract<LimitVerdict, { outcome: 'limited' }>,
  res: Response,
  deps: { metrics?: Pick<Metrics, 'rateLimited'>; log: Logger; logged?: Record<string, unknown> },
): AppError {
  const { what, log } = REFUSALS[limiter.name];
  deps.metrics?.rateLimited.inc(limiter.name);
  deps.log[verdict.firstRefusal ? 'warn' : 'debug']({ ...deps.logged, limit: limiter.name, retryAfterSeconds: verdict.retryAfterSeconds }, log);
  res.set('Retry-After', String(verdict.retryAfterSeconds));
  return new AppError('rate_limited', `${what} (at most ${limiter.perMinute} a minute); retry in ${verdict.retryAfterSeconds} s`, {
    details: { limit: limiter.name, retryAfterSeconds: verdict.retryAfterSeconds },
  });
}
