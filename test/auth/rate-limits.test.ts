import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { RateLimitDetails } from '../../shared/errors.js';
import { MemoryTokenStore, createLimiter } from '../../server/auth/index.js';
import { makeToken } from '../cli/support.js';
import { call, createBlog, type ApiResponse } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { freezeRedis } from '../support/redis-freeze.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { ADMIN_ROUTE, ADMIN_TOKEN, EDITOR_ROUTE, issueToken, startAuthApp, type AuthApp } from './support.js';

function assertLimited(res: ApiResponse<{ error: { code: string; details: unknown } }>, limit: string): void {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'rate_limited');
  const details = RateLimitDetails.parse(res.body.error.details);
  assert.equal(details.limit, limit);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
  assert.equal(details.retryAfterSeconds, retryAfter);
}

describe('failed authentication limit over HTTP (in memory)', () => {
  let app: AuthApp;
  const lines: { level: number; msg: string; ip?: string }[] = [];
  before(async () => {
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
    app = await startAuthApp({ tokens: new MemoryTokenStore(), trustProxy: true, logger });
  });
  after(() => app.close());

  const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

  test('when an address fails an 11th time within a minute, then 429 rate_limited with Retry-After, while a good token still works', async () => {
    const { token: editorToken } = await issueToken(app, 'Behind the same NAT');
    const attacker = from('203.0.113.7');

    for (let i = 1; i <= 10; i += 1) {
      const res = await app.call('GET', EDITOR_ROUTE, { token: `guess-number-${i}`, headers: attacker });
      assert.equal(res.status, 401, `failure ${i}`);
    }
    assertLimited(await app.call('GET', EDITOR_ROUTE, { token: 'guess-number-11', headers: attacker }), 'failed_auth');

    const asEditor = await app.call('GET', EDITOR_ROUTE, { token: editorToken, headers: attacker });
    assert.equal(asEditor.status, 200, 'an editor sharing the address is not locked out');
    const asAdmin = await app.call('GET', ADMIN_ROUTE, { token: ADMIN_TOKEN, headers: attacker });
    assert.equal(asAdmin.status, 200);

    for (let i = 12; i <= 20; i += 1) {
      assertLimited(await app.call('GET', ADMIN_ROUTE, { token: `guess-number-${i}`, headers: attacker }), 'failed_auth');
    }
    const warned = lines.filter((l) => l.level === 40 && l.ip === '203.0.113.7');
    assert.equal(warned.length, 1, 'one warning per blocked spell, not one per refusal');

    const elsewhere = await app.call('GET', EDITOR_ROUTE, { token: 'honest-typo', headers: from('198.51.100.1') });
    assert.equal(elsewhere.status, 401, 'other addresses are not affected');
  });

  test('when requests carry no token at all, then they are answered 401 and never count as guesses', async () => {
    const client = from('192.0.2.44');
    for (let i = 0; i < 15; i += 1) {
      assert.equal((await app.call('GET', EDITOR_ROUTE, { headers: client })).status, 401);
      assert.equal((await app.call('GET', EDITOR_ROUTE, { headers: { ...client, authorization: 'Basic eDp5' } })).status, 401);
    }
    const afterwards = await app.call('GET', EDITOR_ROUTE, { token: 'first-real-guess', headers: client });
    assert.equal(afterwards.status, 401);
  });
});

describe('createLimiter (in memory)', () => {
  test('when a key uses up its minute, then the next take is limited once as a first refusal, and other keys are unaffected', async () => {
    const limiter = createLimiter('writes', 3);
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await limiter.take('token-a'), { outcome: 'allowed' });
    const first = await limiter.take('token-a');
    assert.equal(first.outcome, 'limited');
    assert.ok(first.outcome === 'limited' && first.firstRefusal && first.retryAfterSeconds >= 1 && first.retryAfterSeconds <= 60);
    const second = await limiter.take('token-a');
    assert.ok(second.outcome === 'limited' && !second.firstRefusal);
    assert.deepEqual(await limiter.take('token-b'), { outcome: 'allowed' });
  });
});

describe('rate limits shared by two instances through Redis', () => {
  let redis: TestRedis;
  let a: TestInstance;
  let b: TestInstance;
  let editor: { token: string; id: string };

  before(async () => {
    redis = await startRedis();
    const env = { RATE_LIMIT_WRITES_PER_MINUTE: '4', RATE_LIMIT_PREVIEWS_PER_MINUTE: '3', RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '10' };
    a = await startInstance({ redisUrl: redis.url, env });
    b = await startInstance({ redisUrl: redis.url, env });
    const made = await makeToken(a, 'Shared desk');
    editor = { token: made.token, id: made.record.id };
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  test('when an address fails 5 times on each instance, then its 11th failure is 429 on either, and a valid token still works', async () => {
    for (let i = 0; i < 10; i += 1) {
      const res = await call((i % 2 === 0 ? a : b).url, 'GET', '/api/tokens', { token: `lb_guess-${i}` });
      assert.equal(res.status, 401, `failure ${i + 1}`);
    }
    assertLimited(await call(a.url, 'GET', '/api/tokens', { token: 'lb_guess-10' }), 'failed_auth');
    assertLimited(await call(b.url, 'GET', '/api/tokens', { token: 'lb_guess-11' }), 'failed_auth');
    assert.equal((await call(b.url, 'GET', '/api/tokens', { token: b.adminToken })).status, 200);
  });

  test('when a token writes on both instances, then its 5th write within the minute is 429, while another token may write', async () => {
    const blog = await createBlog(a.url, a.adminToken, { title: 'Limits' });
    const post = (server: TestInstance, token: string, body: string) =>
      call(server.url, 'POST', `/api/blogs/${blog.id}/entries`, { token, body: { body } });
    for (let i = 0; i < 4; i += 1) {
      const res = await post(i % 2 === 0 ? a : b, editor.token, `entry ${i}`);
      assert.equal(res.status, 201, `write ${i + 1}`);
    }
    assertLimited(await post(b, editor.token, 'one too many'), 'writes');
    assertLimited(await call(a.url, 'DELETE', `/api/blogs/${blog.id}/entries/${'a'.repeat(20)}`, { token: editor.token }), 'writes');
    const page = await call(a.url, 'GET', `/api/blogs/${blog.id}`);
    assert.equal(page.body.entries.length, 4, 'the refused write stored nothing');
    // the admin token is a token of its own (its first write here was the blog)
    assert.equal((await post(a, a.adminToken, 'from the desk')).status, 201);
  });

  test('when a token previews on both instances, then its 4th preview is 429', async () => {
    const other = await makeToken(a, 'Previewer');
    for (let i = 0; i < 3; i += 1) {
      const res = await call((i % 2 === 0 ? a : b).url, 'POST', '/api/preview', { token: other.token, body: { body: `*draft ${i}*` } });
      assert.equal(res.status, 200, `preview ${i + 1}`);
    }
    assertLimited(await call(a.url, 'POST', '/api/preview', { token: other.token, body: { body: 'again' } }), 'previews');
  });

  test('when the counters are in Redis, then they are keyed by token id or address under lb:rl:, never by the token', async () => {
    const keys = await redis.admin.keys('lb:rl:*');
    assert.ok(keys.includes(`lb:rl:writes:${editor.id}`), keys.join(' '));
    assert.ok(keys.some((k) => k.startsWith('lb:rl:failed_auth:')), keys.join(' '));
    assert.ok(keys.some((k) => k.startsWith('lb:rl:previews:')), keys.join(' '));
    assert.ok(!keys.some((k) => k.includes(editor.token) || k.includes(a.adminToken)), 'no secret in a key');
    for (const key of keys) assert.ok((await redis.admin.pttl(key)) > 0, `${key} expires`);
    const text = await a.application.metrics.registry.getSingleMetricAsString('liveblog_rate_limited_total');
    assert.match(text, /liveblog_rate_limited_total\{limit="writes"\} [1-9]/);
    assert.match(text, /liveblog_rate_limited_total\{limit="failed_auth"\} [1-9]/);
  });

  test('when Redis is frozen, then an instance counts in its own memory instead of waiting for it', async () => {
    const thaw = await freezeRedis(redis);
    try {
      for (let i = 0; i < 3; i += 1) {
        const res = await call(b.url, 'POST', '/api/preview', { token: b.adminToken, body: { body: `frozen ${i}` } });
        assert.equal(res.status, 200, `preview ${i + 1}`);
      }
      assertLimited(await call(b.url, 'POST', '/api/preview', { token: b.adminToken, body: { body: 'frozen 4' } }), 'previews');
    } finally {
      await thaw();
    }
  });

  test('when Redis is down, then each instance keeps limiting in its own memory', async () => {
    await redis.stop();
    try {
      // the admin token and previews need no Redis, so only the limit decides
      for (let i = 0; i < 3; i += 1) {
        const res = await call(a.url, 'POST', '/api/preview', { token: a.adminToken, body: { body: `offline ${i}` } });
        assert.equal(res.status, 200, `preview ${i + 1}`);
      }
      assertLimited(await call(a.url, 'POST', '/api/preview', { token: a.adminToken, body: { body: 'offline 4' } }), 'previews');
    } finally {
      await redis.start();
    }
  });
});
