import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS, PreviewResult } from '../../shared/index.js';
import { call, createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { issueToken } from './browser-support.js';

describe('POST /api/preview', () => {
  let redis: TestRedis;
  let instance: TestInstance;
  let token: string;

  before(async () => {
    redis = await startRedis();
    instance = await startInstance({ redisUrl: redis.url });
    token = await issueToken(instance, 'Preview Editor');
  });
  after(async () => {
    await instance?.close();
    await redis?.close();
  });

  test('when an editor token sends Markdown, then the html is exactly what a stored entry with that body carries', async () => {
    const body = '## Update\n\n**Breaking**: see [the map](https://example.org/map) and ~~old~~ `code`\n\n<img src=x onerror=alert(1)><script>alert(1)</script>[x](javascript:alert(1))';
    const preview = await call(instance.url, 'POST', '/api/preview', { token, body: { body } });
    assert.equal(preview.status, 200);
    const result = PreviewResult.parse(preview.body);
    const blog = await createBlog(instance.url, token, { title: 'Preview parity' });
    const { entry } = await postEntry(instance.url, token, blog.id, body);
    assert.equal(result.html, entry.html);
    assert.match(result.html, /<strong>Breaking<\/strong>/);
    assert.doesNotMatch(result.html, /<script|onerror|javascript:|<img/i);
  });

  test('when the token is valid, then the answer names its author and is not cached', async () => {
    const res = await call(instance.url, 'POST', '/api/preview', { token, body: { body: '' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { html: '', author: { name: 'Preview Editor' } });
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('when the token is missing or unknown, then 401 unauthenticated', async () => {
    const missing = await call(instance.url, 'POST', '/api/preview', { body: { body: 'x' } });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'unauthenticated');
    const unknown = await call(instance.url, 'POST', '/api/preview', { token: 'lb_not-a-real-token', body: { body: 'x' } });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.code, 'unauthenticated');
  });

  test('when a token is revoked, then the preview refuses it at once', async () => {
    const created = await call(instance.url, 'POST', '/api/tokens', { token: instance.adminToken, body: { name: 'Short-lived' } });
    assert.equal(created.status, 201);
    assert.equal((await call(instance.url, 'POST', '/api/preview', { token: created.body.token, body: { body: '' } })).status, 200);
    const revoked = await call(instance.url, 'DELETE', `/api/tokens/${created.body.record.id}`, { token: instance.adminToken });
    assert.equal(revoked.status, 204);
    assert.equal((await call(instance.url, 'POST', '/api/preview', { token: created.body.token, body: { body: '' } })).status, 401);
  });

  test('when the body is invalid, then 400 validation_failed names the field', async () => {
    const cases: { payload: unknown; path: string }[] = [
      { payload: {}, path: 'body' },
      { payload: { body: 42 }, path: 'body' },
      { payload: { body: 'x'.repeat(LIMITS.bodyMaxLength + 1) }, path: 'body' },
      { payload: { body: 'x', extra: true }, path: 'extra' },
    ];
    for (const { payload, path } of cases) {
      const res = await call(instance.url, 'POST', '/api/preview', { token, body: payload });
      assert.equal(res.status, 400, JSON.stringify(payload).slice(0, 80));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(res.body.error.details.issues.some((i: { path: string }) => i.path === path), JSON.stringify(res.body.error.details));
    }
  });

  test('when the body is not JSON, then 400 like every other write', async () => {
    const res = await call(instance.url, 'POST', '/api/preview', { token, rawBody: '{"body":', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'malformed_json');
  });
});
