import { Router } from 'express';
import { z } from 'zod';
import { TokenCreateInput, TokenId, type TokenCreateResult, type TokenList } from '../../shared/protocol/tokens.js';
import { parseWith } from '../domain/validation.js';
import { AppError } from '../errors/app-error.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { principalOf, type AuthGuard } from './auth-guard.js';
import type { TokenStore } from './token-store.js';

export interface TokenRouterDeps {
  tokens: TokenStore;
  guard: AuthGuard;
  /** For the audit trail of who issued and revoked which token (ids and names only). Defaults to silent. */
  logger?: Logger;
}

const TokenParams = z.object({ id: TokenId });

/**
 * Admin-only token management, mounted at `/api/tokens` after JSON body parsing:
 * `POST /` → 201 `{ token, record }` (the plaintext, shown once), `GET /` → `{ tokens }`,
 * `DELETE /:id` → 204, 404 `not_found`, or 400 `validation_failed` for an id no token can have. Revocation is effective on every instance at once.
 *
 * @example
 * app.use('/api', jsonBody());
 * app.use('/api/tokens', createTokenRouter({ tokens, guard, logger }));
 */
export function createTokenRouter(deps: TokenRouterDeps): Router {
  const { tokens, guard } = deps;
  const log = (deps.logger ?? silentLogger()).child({ module: 'token-routes' });
  const router = Router();

  router.use(guard.requireAdmin, (_req, res, next) => {
    // answers carry a secret (POST) or say who may write (GET): no cache may keep them
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/', async (req, res) => {
    const input = parseWith(TokenCreateInput, req.body, 'body');
    const { token, record } = await tokens.create(input.name, input.role);
    log.info({ tokenId: record.id, name: record.name, role: record.role, by: principalOf(res).name }, 'token issued');
    res.status(201).json({ token, record } satisfies TokenCreateResult);
  });

  router.get('/', async (_req, res) => {
    res.json({ tokens: await tokens.list() } satisfies TokenList);
  });

  router.delete('/:id', async (req, res) => {
    // parsed before it is looked up or named in an answer: an id of any length is never echoed
    const { id } = parseWith(TokenParams, req.params, 'path');
    if (!(await tokens.revoke(id))) throw new AppError('not_found', `no token with id "${id}" (revoked already?)`);
    log.info({ tokenId: id, by: principalOf(res).name }, 'token revoked');
    res.status(204).end();
  });

  return router;
}
