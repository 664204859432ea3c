import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { memoryStore, redisStore, storeWith, type TestStore } from './stores.js';
import { expectError, startRestApp, type RestApp } from './support.js';

describe('when the store (Redis) cannot be reached', () => {
  let redis: TestRedis;
  let made: TestStore;
  let app: RestApp;
  let blogId: string;

  before(async () => {
    redis = await startRedis();
    made = await redisStore(redis.url);
    app = await startRestApp(made.store);
    const res = await app.call('POST', '/api/blogs', { token: app.editorToken, json: { title: 'Outage' } });
    assert.equal(res.status, 201);
    blogId = res.body.blog.id;
    await redis.stop();
  });
  after(async () => {
    await app?.close();
    await made?.close();
    await redis?.close();
  });

  it('then writes answer 503 store_unavailable', async () => {
    const token = app.editorToken;
    expectError(await app.call('POST', `/api/blogs/${blogId}/entries`, { token, json: { body: 'x' }, headers: { 'idempotency-key': 'k1' } }), 503, 'store_unavailable');
    expectError(await app.call('PATCH', `/api/blogs/${blogId}`, { token, json: { title: 'x' } }), 503, 'store_unavailable');
    expectError(await app.call('POST', '/api/blogs', { token, json: { title: 'x' } }), 503, 'store_unavailable');
  });

  it('then reads answer 503 store_unavailable', async () => {
    expectError(await app.call('GET', '/api/blogs'), 503, 'store_unavailable');
    expectError(await app.call('GET', `/api/blogs/${blogId}`), 503, 'store_unavailable');
    expectError(await app.call('GET', `/api/blogs/${blogId}/events`), 503, 'store_unavailable');
  });

  it('then /readyz answers 503 while /healthz still answers 200', async () => {
    expectError(await app.call('GET', '/readyz'), 503, 'store_unavailable');
    const health = await app.call('GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { ok: true });
  });

  it('then once Redis is back, /readyz answers 200 and writes work again', async () => {
    await redis.start();
    let ready = await app.call('GET', '/readyz');
    // the connection comes back on the client's own reconnect schedule; wait for it, do not time it
    for (let i = 0; i < 200 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ready = await app.call('GET', '/readyz');
    }
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { ok: true });
    const res = await app.call('POST', '/api/blogs', { token: app.editorToken, json: { title: 'After the outage' } });
    assert.equal(res.status, 201);
  });
});

describe('when the store fails in an unexpected way', () => {
  let made: TestStore;
  let app: RestApp;

  before(async () => {
    made = await memoryStore();
    const store = storeWith(made.store, {
      listBlogs: async () => {
        throw new Error('secret internals: redis://user:hunter2@10.0.0.1');
      },
      ping: async () => {
        throw new Error('socket hang up');
      },
    });
    app = await startRestApp(store);
  });
  after(async () => {
    await app?.close();
    await made?.close();
  });

  it('then the answer is 500 internal with a generic message and the request id, leaking nothing', async () => {
    const res = await app.call('GET', '/api/blogs', { headers: { 'x-request-id': 'req-123' } });
    expectError(res, 500, 'internal');
    assert.doesNotMatch(JSON.stringify(res.body), /secret|hunter2|redis:|stack|Error:/);
    assert.match(res.body.error.message, /req-123/);
    assert.deepEqual(res.body.error.details, { requestId: 'req-123' });
  });

  it('then a ping failing with a plain error still makes /readyz answer 503', async () => {
    expectError(await app.call('GET', '/readyz'), 503, 'store_unavailable');
  });
});
