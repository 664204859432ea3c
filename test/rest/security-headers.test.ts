import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildReaderAssets } from '../../client/build.js';
import { buildConsoleAssets } from '../../client/console/build.js';
import { CONSOLE_CSP } from '../../server/console/index.js';
import { NON_PAGE_CSP, PAGE_CSP, defaultAssetsDir } from '../../server/pages/index.js';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

describe('security headers on every kind of answer', () => {
  let server: TestInstance;
  let assetPath: string;

  before(async () => {
    const reader = await buildReaderAssets({ outDir: defaultAssetsDir() });
    await buildConsoleAssets({ outDir: defaultAssetsDir() });
    assetPath = `/assets/${reader.manifest['reader.js']}`;
    server = await startInstance({ env: { RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '1' } });
    await createBlog(server.url, server.adminToken, { id: 'headers', title: 'Headers' });
  });
  after(() => server?.close());

  const headersOf = async (path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers }> => {
    const res = await fetch(`${server.url}${path}`, init);
    await res.arrayBuffer();
    return { status: res.status, headers: res.headers };
  };

  it('when anything but a page is answered (API, errors, 401, 429, feed, health, files), then it carries helmet headers and a policy that allows nothing', async () => {
    const json = { 'content-type': 'application/json' };
    const answers = {
      api: await headersOf('/api/blogs'),
      notFound: await headersOf('/no/such/route'),
      badRequest: await headersOf('/api/blogs/headers?limit=0'),
      unauthenticated: await headersOf('/api/blogs', { method: 'POST', headers: { authorization: 'Bearer lb_wrong', ...json }, body: '{}' }),
      limited: await headersOf('/api/blogs', { method: 'POST', headers: { authorization: 'Bearer lb_wrong-again', ...json }, body: '{}' }),
      feed: await headersOf('/blogs/headers/feed.atom'),
      health: await headersOf('/healthz'),
      ready: await headersOf('/readyz'),
      asset: await headersOf(assetPath),
      consoleAsset: await headersOf('/console/assets/console.js'),
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, a.status])),
      { api: 200, notFound: 404, badRequest: 400, unauthenticated: 401, limited: 429, feed: 200, health: 200, ready: 200, asset: 200, consoleAsset: 200 },
    );
    for (const [name, { headers }] of Object.entries(answers)) {
      assert.equal(headers.get('x-content-type-options'), 'nosniff', name);
      assert.equal(headers.get('content-security-policy'), NON_PAGE_CSP, name);
      assert.equal(headers.get('x-frame-options'), 'SAMEORIGIN', name);
      assert.equal(headers.get('referrer-policy'), 'no-referrer', name);
      assert.equal(headers.get('cross-origin-resource-policy'), 'same-origin', name);
      assert.equal(headers.get('strict-transport-security'), 'max-age=31536000', name);
      assert.equal(headers.get('x-powered-by'), null, name);
    }
  });

  it('when a page or the console is answered, then it keeps its own policy on top of the shared headers', async () => {
    for (const path of ['/', '/blogs/headers', '/blogs/no-such-blog']) {
      const { headers } = await headersOf(path);
      assert.equal(headers.get('content-security-policy'), PAGE_CSP, path);
      assert.equal(headers.get('referrer-policy'), 'strict-origin-when-cross-origin', path);
      assert.equal(headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(headers.get('x-frame-options'), 'SAMEORIGIN', path);
    }
    const console = await headersOf('/console');
    assert.equal(console.headers.get('content-security-policy'), CONSOLE_CSP);
    assert.equal(console.headers.get('x-frame-options'), 'DENY');
    assert.equal(console.headers.get('x-content-type-options'), 'nosniff');
  });
});
