import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlogPage } from '../../shared/index.js';
import { makeToken } from '../cli/support.js';
import { call, createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { freezeRedis } from '../support/redis-freeze.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

describe('when Redis freezes (SIGSTOP) under writes', () => {
  let redis: TestRedis;
  let server: TestInstance;
  let editorToken: string;

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url });
    editorToken = (await makeToken(server, 'Ana Ruiz')).token;
  });
  after(async () => {
    await server?.close();
    await redis?.close();
  });

  it('then a write is answered 504 store_timeout, never 503; retried with its key it is stored once; what was answered 503 was not stored', async () => {
    const blog = await createBlog(server.url, server.adminToken, { title: 'Frozen store' });
    const path = `/api/blogs/${blog.id}/entries`;
    const post = (token: string, body: string) => call(server.url, 'POST', path, { token, body: { body }, headers: { 'idempotency-key': `key-${body}` } });

    const thaw = await freezeRedis(redis);
    let answers: { body: string; status: number; code: string | undefined }[];
    try {
      // the admin token needs no Redis to authenticate, so these reach the write itself;
      // an editor token is looked up in Redis first, and that read times out before anything is sent
      const sent = [
        ...['a1', 'a2', 'a3'].map((body) => ({ body, answer: post(server.adminToken, body) })),
        ...['e1', 'e2'].map((body) => ({ body, answer: post(editorToken, body) })),
      ];
      answers = await Promise.all(
        sent.map(async ({ body, answer }) => {
          const res = await answer;
          return { body, status: res.status, code: res.body?.error?.code as string | undefined };
        }),
      );
    } finally {
      await thaw();
    }

    for (const answer of answers) {
      assert.ok(answer.status === 504 || answer.status === 503, `${answer.body}: ${answer.status} ${answer.code}`);
      assert.equal(answer.code, answer.status === 504 ? 'store_timeout' : 'store_unavailable');
    }
    const timedOut = answers.filter((a) => a.status === 504).map((a) => a.body);
    assert.deepEqual(timedOut.sort(), ['a1', 'a2', 'a3'], 'every write that reached Redis is 504, not 503');

    // the retry a client makes after a 504: the same request with the same key
    for (const body of timedOut) {
      const res = await post(server.adminToken, body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const page = BlogPage.parse((await call(server.url, 'GET', `/api/blogs/${blog.id}?limit=200`)).body);
    const bodies = page.entries.map((e) => e.body).sort();
    assert.deepEqual(bodies, ['a1', 'a2', 'a3'], 'each 504 write stored exactly once; no 503 write stored');
  });
});
