import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import express from 'express';
import { ApiErrorBody, type ApiErrorCode } from '../../shared/index.js';
import {
  AdminTokenAuthenticator,
  CompositeAuthenticator,
  MemoryTokenStore,
  createAuthGuard,
  createRequestLimits,
  createTokenRouter,
} from '../../server/auth/index.js';
import { createRenderer, type RendererOptions } from '../../server/domain/renderer.js';
import { silentLogger } from '../../server/log/logger.js';
import { createHealthRouter, createRestRouter, errorHandler, jsonBody, notFoundHandler } from '../../server/rest/index.js';
import type { EventStore } from '../../server/store/event-store.js';

export const ADMIN_TOKEN = 'rest-tests-admin-token-0123456789';
export const EDITOR_NAME = 'Jane Editor';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  body: any;
}

export interface CallOptions {
  token?: string;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is; set the content type yourself in `headers`. */
  raw?: string;
  headers?: Record<string, string>;
}

/** A running REST app on a free port, the same way `server/app.ts` mounts the routers. */
export interface RestApp {
  baseUrl: string;
  editorToken: string;
  adminToken: string;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

/**
 * A clock that advances one second per reading, so every write gets a distinct, ordered time.
 *
 * @example
 * const now = tickingClock(); now().toISOString(); // '2030-01-01T00:00:01.000Z'
 */
export function tickingClock(start = Date.parse('2030-01-01T00:00:00.000Z'), stepMs = 1000): () => Date {
  let t = start;
  return () => new Date((t += stepMs));
}

/**
 * Starts the REST layer over `store` with real auth (admin token + an editor token from the
 * in-memory token store) and a real renderer (`render` tunes its limits) on 127.0.0.1.
 *
 * @example
 * const app = await startRestApp(store);
 * after(() => app.close());
 * const res = await app.call('POST', '/api/blogs', { token: app.editorToken, json: { title: 'Storm' } });
 */
export async function startRestApp(
  store: EventStore,
  options: { now?: () => Date; render?: Omit<RendererOptions, 'logger'> } = {},
): Promise<RestApp> {
  const logger = silentLogger();
  const renderer = createRenderer({ logger, ...options.render });
  const tokens = new MemoryTokenStore();
  const { token: editorToken } = await tokens.create(EDITOR_NAME, 'editor');
  // generous: the contract tests write a lot and send many bad tokens on purpose; the limits have tests of their own
  const limits = createRequestLimits({ rateLimits: { writesPerMinute: 100_000, previewsPerMinute: 100_000, failedAuthPerMinute: 100_000 }, logger });
  const guard = createAuthGuard({
    authenticator: new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN_TOKEN), tokens),
    limiter: limits.failedAuth,
    logger,
  });

  const app = express();
  app.use(createHealthRouter({ store }));
  app.use('/api', jsonBody());
  app.use('/api/tokens', createTokenRouter({ tokens, guard }));
  app.use('/api', createRestRouter({ store, auth: guard, limitWrites: limits.writes, logger, renderer, now: options.now ?? tickingClock() }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    editorToken,
    adminToken: ADMIN_TOKEN,
    call: (method, path, callOptions) => call(baseUrl, method, path, callOptions),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await renderer.close();
    },
  };
}

/**
 * One HTTP request; the body is parsed as JSON when there is one.
 *
 * @example
 * const res = await call(baseUrl, 'GET', '/api/blogs');
 */
export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  Object.assign(headers, options.headers);
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      assert.fail(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * Asserts an error reply: status, code, the shared error body shape, and no caching.
 *
 * @example
 * expectError(res, 404, 'blog_not_found');
 */
export function expectError(res: Reply, status: number, code: ApiErrorCode): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  const parsed = ApiErrorBody.safeParse(res.body);
  assert.ok(parsed.success, `not an error body: ${JSON.stringify(res.body)}`);
  assert.equal(parsed.data.error.code, code);
  assert.ok(parsed.data.error.message.length > 0, 'an error carries a message');
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

/**
 * Asserts a 400 `validation_failed` that names `paths` in `details.issues` and in the message.
 *
 * @example
 * expectInvalid(res, ['media.url']);
 */
export function expectInvalid(res: Reply, paths: string[]): void {
  expectError(res, 400, 'validation_failed');
  const named = (res.body.error.details?.issues ?? []).map((i: { path: string }) => i.path);
  for (const path of paths) {
    assert.ok(named.includes(path), `expected an issue for "${path}", got ${JSON.stringify(named)}`);
    assert.ok(res.body.error.message.includes(path), `the message should name "${path}": ${res.body.error.message}`);
  }
}

let counter = 0;

/**
 * A blog id no other test uses, so suites can share one store.
 *
 * @example
 * const id = uniqueBlogId('paging'); // 'paging-1'
 */
export function uniqueBlogId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
