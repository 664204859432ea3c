import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import { Role, type Authenticator, type TokenPrincipal } from './principal.js';
import { refusal, type Limiter } from './rate-limiter.js';

export interface AuthGuardDeps {
  authenticator: Authenticator;
  /** Counts unknown tokens per client address (`failed_auth`). */
  limiter: Limiter;
  logger: Logger;
  metrics?: Pick<Metrics, 'rateLimited'>;
}

export interface AuthGuard {
  /** Lets editors and admins through; sets `res.locals.principal`. */
  requireEditor: RequestHandler;
  /** Lets admins through; editors get 403 `forbidden`. */
  requireAdmin: RequestHandler;
}

/** Longer than any token we issue or a sane admin token; spares hashing megabyte headers. */
const MAX_TOKEN_LENGTH = 1024;
const BEARER = /^Bearer +(\S+) *$/i;
const HOW_TO = 'send `Authorization: Bearer <token>`';

/** Why a request could not be authenticated: a closed set, so every case is answered. */
type AuthFailure = 'missing' | 'malformed' | 'unknown';

type BearerParse = { ok: true; token: string } | { ok: false; failure: 'missing' | 'malformed' };

function parseBearer(header: string | undefined): BearerParse {
  if (header === undefined || header.trim() === '') return { ok: false, failure: 'missing' };
  const match = BEARER.exec(header);
  const token = match?.[1];
  if (token === undefined || token.length > MAX_TOKEN_LENGTH) return { ok: false, failure: 'malformed' };
  return { ok: true, token };
}

function messageFor(failure: AuthFailure): string {
  switch (failure) {
    case 'missing':
      return `authentication required: ${HOW_TO}`;
    case 'malformed':
      return `malformed Authorization header: ${HOW_TO}`;
    case 'unknown':
      return `unknown or revoked token: ${HOW_TO} with a valid token`;
    default:
      return failure satisfies never;
  }
}

/** True when `role` may use a route that requires `required`; admins may do what editors may. */
function allows(role: Role, required: Role): boolean {
  switch (role) {
    case 'admin':
      return true;
    case 'editor':
      return required === 'editor';
    default:
      return role satisfies never;
  }
}

/**
 * Bearer-token guards for Express 5 routes. Failures throw `AppError`s for the central error
 * handler: 401 `unauthenticated` (with `WWW-Authenticate: Bearer`), 403 `forbidden`, or 429
 * `rate_limited` (with `Retry-After`) once the client address (`req.ip`, so set `trust proxy`)
 * has sent too many unknown tokens. A valid token is always accepted, even from a limited address.
 * Tokens are never logged.
 *
 * @example
 * const guard = createAuthGuard({ authenticator, limiter: limits.failedAuth, logger });
 * router.post('/:blogId/entries', guard.requireEditor, (req, res) => { const who = principalOf(res); ... });
 */
export function createAuthGuard(deps: AuthGuardDeps): AuthGuard {
  const log = deps.logger.child({ module: 'auth-guard' });

  const refuse = async (req: Request, res: Response, failure: AuthFailure): Promise<never> => {
    const address = req.ip ?? 'unknown';
    // a missing or malformed header is no guess at a token, so only unknown tokens are counted
    if (failure === 'unknown') {
      const verdict = await deps.limiter.take(address);
      if (verdict.outcome === 'limited') throw refusal(deps.limiter, verdict, res, { metrics: deps.metrics, log, logged: { ip: address } });
    }
    log.debug({ ip: address, failure, method: req.method, path: req.path }, 'authentication failed');
    res.set('WWW-Authenticate', 'Bearer');
    throw new AppError('unauthenticated', messageFor(failure));
  };

  const guard = (required: Role): RequestHandler =>
    async function authGuard(req, res, next) {
      const bearer = parseBearer(req.get('authorization'));
      if (!bearer.ok) return refuse(req, res, bearer.failure);
      const principal = await deps.authenticator.authenticate(bearer.token);
      if (principal === null) return refuse(req, res, 'unknown');
      if (!allows(principal.role, required)) {
        log.info({ principal: principal.name, method: req.method, path: req.path }, 'forbidden: admin route');
        throw new AppError('forbidden', `this needs an ${required} token; "${principal.name}" is an ${principal.role}`);
      }
      res.locals.principal = principal;
      next();
    };

  return { requireEditor: guard('editor'), requireAdmin: guard('admin') };
}

/**
 * The principal an auth guard put on this response. Throws when the route has no guard:
 * that is a wiring bug, and answering it as anonymous would be worse.
 *
 * @example
 * const author = { name: principalOf(res).name };
 */
export function principalOf(res: Response): TokenPrincipal {
  const candidate: unknown = res.locals.principal;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    'name' in candidate &&
    typeof candidate.name === 'string' &&
    'role' in candidate &&
    Role.safeParse(candidate.role).success &&
    'tokenId' in candidate &&
    typeof candidate.tokenId === 'string'
  ) {
    return candidate as TokenPrincipal;
  }
  throw new AppError('internal', 'internal error', {
    cause: new Error('principalOf() on a route without requireEditor/requireAdmin'),
  });
}
