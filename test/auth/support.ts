import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  AdminTokenAuthenticator,
  CompositeAuthenticator,
  createAuthGuard,
  createLimiter,
  createTokenRouter,
  principalOf,
  type Limiter,
  type TokenStore,
} from '../../server/auth/index.js';
import { silentLogger, type Logger } from '../../server/log/logger.js';
import { errorHandler, notFoundHandler } from '../../server/rest/error-handler.js';
import { jsonBody } from '../../server/rest/json-body.js';
import { call, type ApiResponse } from '../support/api.js';

export const ADMIN_TOKEN = 'auth-test-admin-token-0123456789';

/** An app with the auth pieces wired as the lead wires them, plus one editor and one admin route. */
export interface AuthApp {
  url: string;
  limiter: Limiter;
  /** `call` against this app. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  call<T = any>(method: string, path: string, options?: Parameters<typeof call>[3]): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export const EDITOR_ROUTE = '/api/editor-only';
export const ADMIN_ROUTE = '/api/admin-only';

/**
 * Starts the auth stack over `tokens` on 127.0.0.1. With `trustProxy`, `X-Forwarded-For`
 * sets the client address, so tests can act as several clients.
 *
 * @example
 * const app = await startAuthApp({ tokens: new MemoryTokenStore() });
 * after(() => app.close());
 */
export async function startAuthApp(options: {
  tokens: TokenStore;
  trustProxy?: boolean;
  limiter?: Limiter;
  logger?: Logger;
}): Promise<AuthApp> {
  const logger = options.logger ?? silentLogger();
  const limiter = options.limiter ?? createLimiter('failed_auth', 10);
  const authenticator = new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN_TOKEN), options.tokens, logger);
  const guard = createAuthGuard({ authenticator, limiter, logger });

  const app = express();
  app.set('trust proxy', options.trustProxy ?? false);
  app.use('/api', jsonBody());
  app.use('/api/tokens', createTokenRouter({ tokens: options.tokens, guard, logger }));
  app.get(EDITOR_ROUTE, guard.requireEditor, (_req, res) => {
    res.json({ principal: principalOf(res) });
  });
  app.get(ADMIN_ROUTE, guard.requireAdmin, (_req, res) => {
    res.json({ principal: principalOf(res) });
  });
  app.get('/api/unguarded', (_req, res) => {
    res.json({ principal: principalOf(res) });
  });
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    limiter,
    call: (method, path, callOptions) => call(url, method, path, callOptions),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Issues a token through `POST /api/tokens` as the admin and returns its plaintext and id. */
export async function issueToken(
  app: AuthApp,
  name: string,
  role: 'editor' | 'admin' = 'editor',
): Promise<{ token: string; id: string }> {
  const res = await app.call('POST', '/api/tokens', { token: ADMIN_TOKEN, body: { name, role } });
  if (res.status !== 201) throw new Error(`issuing a token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, id: res.body.record.id };
}
