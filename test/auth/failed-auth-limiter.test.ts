import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FailedAuthLimiter, MemoryTokenStore } from '../../server/auth/index.js';
import { ADMIN_ROUTE, ADMIN_TOKEN, EDITOR_ROUTE, issueToken, startAuthApp, type AuthApp } from './support.js';

describe('failed authentication limit over HTTP', () => {
  let app: AuthApp;
  before(async () => {
    app = await startAuthApp({ tokens: new MemoryTokenStore(), trustProxy: true });
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
    const eleventh = await app.call('GET', EDITOR_ROUTE, { token: 'guess-number-11', headers: attacker });
    assert.equal(eleventh.status, 429);
    assert.equal(eleventh.body.error.code, 'rate_limited');
    const retryAfter = Number(eleventh.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);

    const asEditor = await app.call('GET', EDITOR_ROUTE, { token: editorToken, headers: attacker });
    assert.equal(asEditor.status, 200, 'an editor sharing the address is not locked out');
    const asAdmin = await app.call('GET', ADMIN_ROUTE, { token: ADMIN_TOKEN, headers: attacker });
    assert.equal(asAdmin.status, 200);

    const stillLimited = await app.call('GET', ADMIN_ROUTE, { token: 'guess-number-12', headers: attacker });
    assert.equal(stillLimited.status, 429);

    const elsewhere = await app.call('GET', EDITOR_ROUTE, { token: 'honest-typo', headers: from('198.51.100.1') });
    assert.equal(elsewhere.status, 401, 'other addresses are not affected');
  });

  test('when requests carry no token at all, then they are answered 401 and never count as guesses', async () => {
    const client = from('192.0.2.44');
    for (let i = 0; i < 15; i += 1) {
      assert.equal((await app.call('GET', EDITOR_ROUTE, { headers: client })).status, 401);
    }
    const afterwards = await app.call('GET', EDITOR_ROUTE, { token: 'first-real-guess', headers: client });
    assert.equal(afterwards.status, 401);
  });
});

describe('FailedAuthLimiter', () => {
  test('when the window slides past the oldest failure, then one more failure is counted again', () => {
    let now = 1_000_000;
    const limiter = new FailedAuthLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i += 1) {
      assert.deepEqual(limiter.recordFailure('a'), { outcome: 'counted' });
      now += 10_000;
    }
    // failures at 0 s, 10 s, 20 s; now 30 s: the first leaves the window at 60 s
    assert.deepEqual(limiter.recordFailure('a'), { outcome: 'limited', retryAfterSeconds: 30, firstRefusal: true });
    now += 29_000;
    assert.deepEqual(limiter.recordFailure('a'), { outcome: 'limited', retryAfterSeconds: 1, firstRefusal: false });
    now += 1_000;
    assert.deepEqual(limiter.recordFailure('a'), { outcome: 'counted' });
    const verdict = limiter.recordFailure('a');
    assert.equal(verdict.outcome, 'limited');
  });

  test('when refusals keep coming, then they do not extend the block', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter({ maxFailures: 2, windowMs: 1_000, now: () => now });
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    for (let t = 100; t < 1_000; t += 100) {
      now = t;
      assert.equal(limiter.recordFailure('a').outcome, 'limited');
    }
    now = 1_000;
    assert.equal(limiter.recordFailure('a').outcome, 'counted');
  });

  test('when a retry is less than a second away, then Retry-After still says at least 1', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter({ maxFailures: 1, windowMs: 1_000, now: () => now });
    limiter.recordFailure('a');
    now = 999;
    assert.deepEqual(limiter.recordFailure('a'), { outcome: 'limited', retryAfterSeconds: 1, firstRefusal: true });
  });

  test('when many addresses fail, then memory stays bounded and stale addresses are forgotten', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter({ maxFailures: 10, windowMs: 60_000, now: () => now, maxAddresses: 100 });
    for (let i = 0; i < 1_000; i += 1) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(limiter.size, 100);
    now = 61_000;
    limiter.recordFailure('10.9.9.9');
    assert.equal(limiter.size, 1);
  });

  test('when given a nonsensical configuration, then it refuses to start', () => {
    assert.throws(() => new FailedAuthLimiter({ maxFailures: 0, windowMs: 60_000 }), RangeError);
    assert.throws(() => new FailedAuthLimiter({ maxFailures: 10, windowMs: 0 }), RangeError);
  });
});
