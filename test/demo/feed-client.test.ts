import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postDemoEntry } from '../../server/demo/feed-client.js';
import type { FeedSettings } from '../../server/demo/feed-args.js';
import { entriesOf } from '../cli/support.js';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { freezeRedis, storeTimedOut } from '../support/redis-freeze.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

describe('demo feed client and a store that does not confirm a write (504 store_timeout)', () => {
  let redis: TestRedis;
  let server: TestInstance;

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url });
  });
  after(async () => {
    await server?.close();
    await redis?.close();
  });

  it('when a post is answered 504, then it is a retry that says it may be stored, and the resend with its key is stored once', async () => {
    const blog = await createBlog(server.url, server.adminToken, { title: 'Frozen feed' });
    const settings: FeedSettings = { baseUrl: server.url, token: server.adminToken, blogId: blog.id, count: 1, intervalMs: 0 };
    const input = { kind: 'text' as const, body: 'Fed while frozen', keyEvent: false, pinned: false };
    const signal = new AbortController().signal;

    const thaw = await freezeRedis(redis);
    let first: Awaited<ReturnType<typeof postDemoEntry>>;
    try {
      const posting = postDemoEntry(settings, input, 'demo-feed-frozen', signal);
      await storeTimedOut(server.application.metrics);
      first = await posting;
    } finally {
      await thaw();
    }
    assert.equal(first.ok, false);
    assert.ok(!first.ok && first.reason === 'retry', JSON.stringify(first));
    assert.match(!first.ok ? first.message : '', /may have been stored/);

    const again = await postDemoEntry(settings, input, 'demo-feed-frozen', signal);
    assert.ok(again.ok, JSON.stringify(again));
    assert.equal(again.replayed, true, 'the first attempt was stored once Redis resumed');
    assert.equal((await entriesOf(server, blog.id)).filter((e) => e.body === 'Fed while frozen').length, 1);
  });
});
