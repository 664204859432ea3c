import type { RequestHandler } from 'express';
import type { RedisClient } from '../store/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import { principalOf } from './auth-guard.js';
import { createLimiter, refusal, type Limiter, type RateLimits } from './rate-limiter.js';

/**
 * Middleware after `requireEditor`: counts the request against the principal's token (by its public
 * id, never the secret) and answers 429 `rate_limited` with `Retry-After` once it is over the limit.
 *
 * @example
 * router.post('/blogs', guard.requireEditor, limitPerToken(writes, { metrics, logger }), handler);
 */
export function limitPerToken(limiter: Limiter, deps: { metrics?: Pick<Metrics, 'rateLimited'>; logger: Logger }): RequestHandler {
  const log = deps.logger.child({ module: 'rate-limits' });
  return async function rateLimit(_req, res, next) {
    const principal = principalOf(res);
    const verdict = await limiter.take(principal.tokenId);
    if (verdict.outcome === 'limited') throw refusal(limiter, verdict, res, { metrics: deps.metrics, log, logged: { by: principal.name } });
    next();
  };
}

/** The per-token middleware for writes and previews, and the failed-authentication limiter for the auth guard. */
export interface RequestLimits {
  writes: RequestHandler;
  previews: RequestHandler;
  failedAuth: Limiter;
}

/**
 * Every request limit of one application, on Redis (shared by all instances) or in memory.
 *
 * @example
 * const limits = createRequestLimits({ rateLimits, redis: components.redis, metrics, logger });
 * const guard = createAuthGuard({ authenticator, limiter: limits.failedAuth, metrics, logger });
 */
export function createRequestLimits(deps: { rateLimits: RateLimits; redis?: RedisClient; metrics?: Pick<Metrics, 'rateLimited'>; logger: Logger }): RequestLimits {
  const { rateLimits, redis } = deps;
  return {
    writes: limitPerToken(createLimiter('writes', rateLimits.writesPerMinute, redis), deps),
    previews: limitPerToken(createLimiter('previews', rateLimits.previewsPerMinute, redis), deps),
    failedAuth: createLimiter('failed_auth', rateLimits.failedAuthPerMinute, redis),
  };
}
