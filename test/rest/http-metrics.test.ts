import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call, createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

/** The `_count` series of the HTTP histogram: one per label set. */
async function httpSeries(server: TestInstance): Promise<{ method: string; route: string; status: string; count: number }[]> {
  const { values } = await server.application.metrics.httpDuration.get();
  return values
    .filter((v) => v.metricName === 'liveblog_http_request_duration_seconds_count')
    .map((v) => ({ method: String(v.labels.method), route: String(v.labels.route), status: String(v.labels.status), count: v.value }));
}

describe('HTTP request metrics', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'measured', title: 'Measured' });
  });
  after(() => server?.close());

  it('when requests are answered, then each is counted under its route pattern, method and status', async () => {
    await call(server.url, 'GET', '/api/blogs/measured');
    await call(server.url, 'GET', '/api/blogs/measured?limit=0');
    await call(server.url, 'POST', '/api/blogs/measured/entries', { body: { body: 'no token' } });
    await call(server.url, 'POST', '/api/blogs/measured/entries', { token: server.adminToken, body: { body: 'counted' } });
    await call(server.url, 'GET', '/healthz');
    const series = await httpSeries(server);
    const find = (method: string, route: string, status: string) => series.find((s) => s.method === method && s.route === route && s.status === status);
    assert.ok(find('GET', '/api/blogs/:blogId', '200'), JSON.stringify(series));
    assert.ok(find('GET', '/api/blogs/:blogId', '400'), JSON.stringify(series));
    assert.ok(find('POST', '/api/blogs/:blogId/entries', '401'), JSON.stringify(series));
    assert.ok(find('POST', '/api/blogs/:blogId/entries', '201'), JSON.stringify(series));
    assert.ok(find('GET', '/healthz', '200'), JSON.stringify(series));
    assert.ok(!series.some((s) => s.route.includes('measured')), 'never a raw path');
  });

  it('when 100 random paths are requested, then they add no series beyond one', async () => {
    await call(server.url, 'GET', `/probe/${randomBytes(8).toString('hex')}`);
    const first = (await httpSeries(server)).length;
    for (let i = 0; i < 100; i += 1) {
      const path = `/${randomBytes(6).toString('hex')}/${randomBytes(4).toString('hex')}?q=${i}`;
      assert.equal((await fetch(`${server.url}${path}`)).status, 404);
      await fetch(`${server.url}/api/blogs/${randomBytes(5).toString('hex')}`, { method: 'GET' });
    }
    const series = await httpSeries(server);
    assert.equal(series.length, first + 1, `only /api/blogs/:blogId 404 is new: ${JSON.stringify(series)}`);
    const unmatched = series.find((s) => s.route === 'unmatched' && s.status === '404');
    assert.ok(unmatched !== undefined && unmatched.count >= 101);
  });

  it('when methods nobody uses are sent, then they share one label', async () => {
    for (const method of ['PROPFIND', 'MKCOL', 'PURGE']) await fetch(`${server.url}/healthz`, { method });
    const methods = new Set((await httpSeries(server)).map((s) => s.method));
    assert.ok(methods.has('other'));
    assert.ok(!methods.has('PROPFIND') && !methods.has('MKCOL') && !methods.has('PURGE'));
  });
});
