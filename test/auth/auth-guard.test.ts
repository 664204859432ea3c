import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Response } from 'express';
import { MemoryTokenStore, principalOf } from '../../server/auth/index.js';
import { AppError } from '../../server/errors/app-error.js';
import type { ApiResponse } from '../support/api.js';
import { ADMIN_ROUTE, ADMIN_TOKEN, EDITOR_ROUTE, issueToken, startAuthApp, type AuthApp } from './support.js';

describe('auth guard', () => {
  let app: AuthApp;
  before(async () => {
    app = await startAuthApp({ tokens: new MemoryTokenStore() });
  });
  after(() => app.close());

  const assertUnauthenticated = (res: ApiResponse<{ error: { code: string; message: string } }>): void => {
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
    assert.match(res.body.error.message, /Authorization: Bearer <token>/);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  };

  test('when the admin token is sent, then admin and editor routes accept it as the admin', async () => {
    for (const route of [ADMIN_ROUTE, EDITOR_ROUTE]) {
      const res = await app.call('GET', route, { token: ADMIN_TOKEN });
      assert.equal(res.status, 200, route);
      assert.deepEqual(res.body.principal, { name: 'admin', role: 'admin', tokenId: 'admin' });
    }
  });

  test('when a wrong token is sent, then 401 unauthenticated with WWW-Authenticate: Bearer', async () => {
    assertUnauthenticated(await app.call('GET', EDITOR_ROUTE, { token: 'not-the-admin-token-at-all' }));
    assertUnauthenticated(await app.call('GET', ADMIN_ROUTE, { token: `${ADMIN_TOKEN}x` }));
    assertUnauthenticated(await app.call('GET', ADMIN_ROUTE, { token: ADMIN_TOKEN.slice(0, -1) }));
  });

  test('when a well-formed but never issued lb_ token is sent, then 401', async () => {
    assertUnauthenticated(await app.call('GET', EDITOR_ROUTE, { token: `lb_${'A'.repeat(43)}` }));
  });

  test('when no Authorization header is sent, then 401 telling how to authenticate', async () => {
    assertUnauthenticated(await app.call('GET', EDITOR_ROUTE));
  });

  test('when the Authorization header is malformed, then 401', async () => {
    const malformed = ['Basic YWRtaW46c2VjcmV0', 'Bearer', 'Bearer ', `Bearer ${ADMIN_TOKEN} extra`, ADMIN_TOKEN, `Token ${ADMIN_TOKEN}`];
    for (const authorization of malformed) {
      const res = await app.call('GET', EDITOR_ROUTE, { headers: { authorization } });
      assertUnauthenticated(res);
    }
  });

  test('when the admin token is sent with a lowercase scheme, then it is accepted (schemes are case-insensitive)', async () => {
    const res = await app.call('GET', ADMIN_ROUTE, { headers: { authorization: `bearer ${ADMIN_TOKEN}` } });
    assert.equal(res.status, 200);
  });

  test('when an absurdly long bearer token is sent, then 401 without trying it', async () => {
    assertUnauthenticated(await app.call('GET', EDITOR_ROUTE, { token: 'x'.repeat(5000) }));
  });

  test('when an editor token from POST /api/tokens is used, then editor routes accept it under its name', async () => {
    const { token, id } = await issueToken(app, 'Ada Lovelace');
    const res = await app.call('GET', EDITOR_ROUTE, { token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { name: 'Ada Lovelace', role: 'editor', tokenId: id });
  });

  test('when an editor token is used on an admin route, then 403 forbidden', async () => {
    const { token } = await issueToken(app, 'Grace');
    for (const [method, path] of [
      ['GET', ADMIN_ROUTE],
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens'],
      ['DELETE', '/api/tokens/abcdefghijklmnop'],
    ] as const) {
      const res = await app.call(method, path, { token, body: method === 'POST' ? { name: 'sneaky' } : undefined });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error.code, 'forbidden');
    }
  });

  test('when a token with the admin role is issued, then it opens admin routes', async () => {
    const { token, id } = await issueToken(app, 'Chief', 'admin');
    const res = await app.call('GET', ADMIN_ROUTE, { token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { name: 'Chief', role: 'admin', tokenId: id });
  });

  test('when a route without a guard asks for the principal, then 500 internal rather than an anonymous principal', async () => {
    const res = await app.call('GET', '/api/unguarded', { token: ADMIN_TOKEN });
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, 'internal');
  });

  test('when principalOf is called on a response without a principal, then it throws', () => {
    const res = { locals: {} } as unknown as Response;
    assert.throws(() => principalOf(res), AppError);
    const forged = { locals: { principal: { name: 'x', role: 'superuser', tokenId: 'x' } } } as unknown as Response;
    assert.throws(() => principalOf(forged), AppError);
    const anonymous = { locals: { principal: { name: 'x', role: 'editor' } } } as unknown as Response;
    assert.throws(() => principalOf(anonymous), AppError, 'a principal without a token id cannot be limited per token');
  });
});
