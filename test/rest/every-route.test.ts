import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildReaderAssets } from '../../client/build.js';
import { buildConsoleAssets } from '../../client/console/build.js';
import { defaultAssetsDir } from '../../server/pages/index.js';
import { routeTable, type RouteEntry } from '../../server/rest/index.js';
import { ApiErrorBody } from '../../shared/index.js';
import { makeToken } from '../cli/support.js';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

/** Query strings a client may send by mistake or on purpose. */
const BAD_QUERIES = [
  '?v=1&v=2',
  '?cursor=a&cursor=b',
  '?limit=1&limit=2',
  '?after=1&after=2&epoch=a&epoch=b',
  '?a[b]=c&limit[x]=1',
  '?limit=%zz&cursor=%',
  '?epoch=%00&after=1',
  '?cursor=%FF%FE',
  '?%E0%A4%A=1',
  '?after=-1',
  '?after=1e999&limit=NaN',
  `?v=${'y'.repeat(6_000)}`,
];

/** Route parameter values that no id can be. */
const BAD_PARAMS = ['%FF', '%00', 'a%2Fb', '%E2%82', '..', '%C3%BC%C3%B1', 'x'.repeat(3_000), 'UPPER', '%20'];

/** A request the application answered: what the test needs to judge it. */
interface Answer {
  status: number;
  type: string;
  text: string;
  headers: Headers;
}

describe('every route of the application, with malformed input', () => {
  let server: TestInstance;
  let routes: RouteEntry[];
  const valid: Record<string, string> = {};

  before(async () => {
    // the console and pages serve built files; without them they answer 503, whatever the input
    await buildReaderAssets({ outDir: defaultAssetsDir() });
    await buildConsoleAssets({ outDir: defaultAssetsDir() });
    server = await startInstance();
    routes = routeTable(server.application.app).routes;
    const blog = await createBlog(server.url, server.adminToken, { id: 'walked', title: 'Walked' });
    const { entry } = await postEntry(server.url, server.adminToken, blog.id, 'An entry to walk over');
    valid.blogId = blog.id;
    valid.entryId = entry.id;
    valid.id = (await makeToken(server, 'Walker')).record.id;
  });
  after(() => server?.close());

  async function send(method: string, path: string): Promise<Answer> {
    const write = method !== 'get' && method !== 'head';
    const res = await fetch(`${server.url}${path}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${server.adminToken}`, ...(write ? { 'content-type': 'application/json' } : {}) },
      body: write ? '{}' : undefined,
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
  }

  /** Not a 5xx, and a refusal is our error handler's JSON or one of our HTML error pages. */
  function assertHandled(answer: Answer, what: string): void {
    assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
    if (answer.status < 400) return;
    if (answer.type.startsWith('application/json')) {
      assert.ok(ApiErrorBody.safeParse(JSON.parse(answer.text)).success, `${what}: error body ${answer.text.slice(0, 300)}`);
    } else {
      assert.match(answer.type, /^text\/html/, `${what}: content type`);
      assert.match(answer.text, /data-error="[a-z_]+"/, `${what}: our error page`);
    }
    assert.ok(!answer.text.includes('x'.repeat(200)), `${what}: the answer does not echo unbounded input`);
  }

  it('when the route table is read, then it has every route the service is known to serve', () => {
    const listed = new Set(routes.map((r) => `${r.method.toUpperCase()} ${r.pattern}`));
    for (const known of [
      'GET /healthz',
      'GET /readyz',
      'GET /api/blogs',
      'POST /api/blogs',
      'GET /api/blogs/:blogId',
      'PATCH /api/blogs/:blogId',
      'GET /api/blogs/:blogId/events',
      'POST /api/blogs/:blogId/entries',
      'PATCH /api/blogs/:blogId/entries/:entryId',
      'DELETE /api/blogs/:blogId/entries/:entryId',
      'POST /api/preview',
      'POST /api/tokens',
      'GET /api/tokens',
      'DELETE /api/tokens/:id',
      'GET /blogs/:blogId/feed.atom',
      'GET /console',
      'GET /console/assets/console.js',
      'GET /',
      'GET /blogs/:blogId',
    ]) {
      assert.ok(listed.has(known), `${known} in ${[...listed].join(', ')}`);
    }
  });

  it('when every route gets malformed query strings, then none answers 5xx and every refusal comes from our handler', async () => {
    for (const route of routes) {
      const path = route.pattern.replace(/:(\w+)/g, (_m, name: string) => valid[name] ?? 'x');
      for (const query of BAD_QUERIES) assertHandled(await send(route.method, `${path}${query}`), `${route.method} ${path}${query.slice(0, 40)}`);
    }
  });

  it('when every route gets malformed path parameters, then none answers 5xx and every refusal comes from our handler', async () => {
    for (const route of routes.filter((r) => r.pattern.includes(':'))) {
      const names = [...route.pattern.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
      for (const name of names) {
        for (const bad of BAD_PARAMS) {
          const path = route.pattern.replace(/:(\w+)/g, (_m, param: string) => (param === name ? bad : (valid[param] ?? 'x')));
          assertHandled(await send(route.method, path), `${route.method} ${path.slice(0, 80)}`);
        }
      }
    }
  });

  it('when a token id of any length is deleted, then the answer never echoes it', async () => {
    const long = 'q'.repeat(5_000);
    const answer = await send('delete', `/api/tokens/${long}`);
    assert.equal(answer.status, 400);
    assert.ok(!answer.text.includes(long.slice(0, 100)), answer.text.slice(0, 300));
  });
});
