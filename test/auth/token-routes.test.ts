import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryTokenStore } from '../../server/auth/index.js';
import { TokenCreateResult, TokenList } from '../../shared/protocol/tokens.js';
import { ADMIN_TOKEN, EDITOR_ROUTE, issueToken, startAuthApp, type AuthApp } from './support.js';

describe('token routes', () => {
  let app: AuthApp;
  before(async () => {
    app = await startAuthApp({ tokens: new MemoryTokenStore() });
  });
  after(() => app.close());

  test('when the admin posts a name, then 201 with a one-time lb_ token and an editor record', async () => {
    const res = await app.call('POST', '/api/tokens', { token: ADMIN_TOKEN, body: { name: '  Desk one  ' } });
    assert.equal(res.status, 201);
    const created = TokenCreateResult.parse(res.body);
    assert.match(created.token, /^lb_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.record.name, 'Desk one');
    assert.equal(created.record.role, 'editor');
    assert.equal(created.record.lastUsedAt, undefined);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(res.body.record).sort(), ['createdAt', 'id', 'name', 'role']);
  });

  test('when the body is invalid, then 400 validation_failed naming the field', async () => {
    const cases: { body: unknown; path: string }[] = [
      { body: {}, path: 'name' },
      { body: { name: '   ' }, path: 'name' },
      { body: { name: 'x'.repeat(101) }, path: 'name' },
      { body: { name: 'ok', role: 'root' }, path: 'role' },
      { body: { name: 'ok', admin: true }, path: 'admin' },
    ];
    for (const { body, path } of cases) {
      const res = await app.call('POST', '/api/tokens', { token: ADMIN_TOKEN, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(
        res.body.error.details.issues.some((issue: { path: string }) => issue.path === path),
        `${JSON.stringify(body)} → ${JSON.stringify(res.body.error.details)}`,
      );
    }
  });

  test('when a name of exactly 100 characters is posted, then it is accepted', async () => {
    const res = await app.call('POST', '/api/tokens', { token: ADMIN_TOKEN, body: { name: 'n'.repeat(100) } });
    assert.equal(res.status, 201);
  });

  test('when the body is not JSON, then 400 malformed_json', async () => {
    const res = await app.call('POST', '/api/tokens', { token: ADMIN_TOKEN, rawBody: '{"name":' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'malformed_json');
  });

  test('when listing, then names, roles, createdAt and lastUsedAt are shown and no hash or secret', async () => {
    const used = await issueToken(app, 'Used editor');
    const idle = await issueToken(app, 'Idle admin', 'admin');
    assert.equal((await app.call('GET', EDITOR_ROUTE, { token: used.token })).status, 200);

    const res = await app.call('GET', '/api/tokens', { token: ADMIN_TOKEN });
    assert.equal(res.status, 200);
    const { tokens } = TokenList.parse(res.body);
    const usedRecord = tokens.find((t) => t.id === used.id);
    const idleRecord = tokens.find((t) => t.id === idle.id);
    assert.ok(usedRecord && idleRecord);
    assert.equal(usedRecord.name, 'Used editor');
    assert.equal(usedRecord.role, 'editor');
    assert.ok(usedRecord.lastUsedAt !== undefined && Date.parse(usedRecord.lastUsedAt) >= Date.parse(usedRecord.createdAt));
    assert.equal(idleRecord.role, 'admin');
    assert.equal(idleRecord.lastUsedAt, undefined);

    const raw = JSON.stringify(res.body);
    assert.doesNotMatch(raw, /[0-9a-f]{64}/, 'no sha256 digest in the listing');
    assert.doesNotMatch(raw, /lb_/, 'no token secret in the listing');
    assert.doesNotMatch(raw, /hash/i);
    for (const record of res.body.tokens) {
      for (const key of Object.keys(record)) assert.ok(['id', 'name', 'role', 'createdAt', 'lastUsedAt'].includes(key), key);
    }
    const created = tokens.map((t) => t.createdAt);
    assert.deepEqual(created, [...created].sort(), 'oldest first');
  });

  test('when a token is deleted, then 204 and the token is refused at once', async () => {
    const { token, id } = await issueToken(app, 'Leaving');
    assert.equal((await app.call('GET', EDITOR_ROUTE, { token })).status, 200);

    const res = await app.call('DELETE', `/api/tokens/${id}`, { token: ADMIN_TOKEN });
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);

    assert.equal((await app.call('GET', EDITOR_ROUTE, { token })).status, 401);
    const list = await app.call('GET', '/api/tokens', { token: ADMIN_TOKEN });
    assert.ok(!list.body.tokens.some((t: { id: string }) => t.id === id));
  });

  test('when an unknown or already revoked id is deleted, then 404 not_found', async () => {
    const { id } = await issueToken(app, 'Twice');
    assert.equal((await app.call('DELETE', `/api/tokens/${id}`, { token: ADMIN_TOKEN })).status, 204);
    // fetch resolves %2E%2E away, so that one asks for no route at all
    for (const path of [`/api/tokens/${id}`, '/api/tokens/nosuchtokenid000', '/api/tokens/%2E%2E']) {
      const res = await app.call('DELETE', path, { token: ADMIN_TOKEN });
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'not_found');
    }
  });

  test('when an id no token can have is deleted, then 400 validation_failed, without echoing it', async () => {
    for (const path of ['/api/tokens/ids', '/api/tokens/%00', `/api/tokens/${'z'.repeat(500)}`]) {
      const res = await app.call('DELETE', path, { token: ADMIN_TOKEN });
      assert.equal(res.status, 400, path);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(!JSON.stringify(res.body).includes('zzzzzzzzzz'), 'the id is not echoed');
    }
  });

  test('when POST /api/tokens comes without a token, then 401 unauthenticated', async () => {
    const res = await app.call('POST', '/api/tokens', { body: { name: 'anon' } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });
});
