import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsoleApi } from '../../client/console/api.js';
import { newDraft, type Draft } from '../../client/console/draft.js';
import { Publisher, type PublishState } from '../../client/console/publisher.js';
import type { Entry } from '../../shared/index.js';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { freezeRedis, storeTimedOut } from '../support/redis-freeze.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { entriesOf } from '../cli/support.js';

/**
 * The console's publisher and REST client (the same modules the browser runs) against a real
 * instance whose Redis freezes: the first attempt is answered 504 store_timeout.
 */
describe('console publisher and a store that does not confirm a write (504 store_timeout)', () => {
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

  test('when a publish is answered 504, then the editor is told it may be saved and is sent again with the same key, and it is stored once', async () => {
    const blog = await createBlog(server.url, server.adminToken, { title: 'Frozen console' });
    // the admin token is checked without Redis, so the attempt reaches the write itself
    const api = new ConsoleApi(server.adminToken, { origin: server.url });
    const keys: string[] = [];
    const recording: Pick<ConsoleApi, 'createEntry'> = {
      createEntry: (blogId, input, key) => {
        keys.push(key);
        return api.createEntry(blogId, input, key);
      },
    };
    let draft: Draft = { ...newDraft(), body: 'Sent while the store froze' };
    const states: PublishState[] = [];
    const published = new Promise<{ entry: Entry; replayed: boolean }>((resolve) => {
      const publisher = new Publisher({
        api: recording,
        blogId: blog.id,
        author: 'admin',
        draft: () => draft,
        keep: (kept) => {
          draft = kept;
        },
        published: (entry, replayed) => resolve({ entry, replayed }),
        changed: (state) => states.push(state),
        unauthenticated: () => assert.fail('the admin token was refused'),
        online: () => true,
      });
      void freezeRedis(redis).then(async (thaw) => {
        try {
          publisher.publish();
          await storeTimedOut(server.application.metrics);
        } finally {
          await thaw();
        }
      });
    });

    const { entry } = await published;
    const retrying = states.find((s) => s.phase === 'retrying');
    assert.ok(retrying !== undefined, `a retry was scheduled: ${JSON.stringify(states)}`);
    assert.match(retrying.message, /may have been saved\. It is sent again with the same key, so it is published once\./);
    assert.ok(keys.length >= 2, 'sent again');
    assert.equal(new Set(keys).size, 1, 'every attempt carries the draft key');
    const stored = (await entriesOf(server, blog.id)).filter((e) => e.body === 'Sent while the store froze');
    assert.equal(stored.length, 1, 'stored once');
    assert.equal(stored[0]?.id, entry.id);
  });
});

describe('console publisher and the write limit (429 rate_limited)', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance({ env: { RATE_LIMIT_WRITES_PER_MINUTE: '2' } });
  });
  after(() => server?.close());

  test('when the token is over its write limit, then the editor is told to wait, and the retry waits at least Retry-After', async () => {
    // the blog is the token's first write, the first entry its second
    const blog = await createBlog(server.url, server.adminToken, { title: 'Limited' });
    const api = new ConsoleApi(server.adminToken, { origin: server.url });
    assert.equal((await api.createEntry(blog.id, { body: 'first' }, 'limit-1')).ok, true);
    let draft: Draft = { ...newDraft(), body: 'one too many' };
    const states: PublishState[] = [];
    const publisher = new Publisher({
      api,
      blogId: blog.id,
      author: 'admin',
      draft: () => draft,
      keep: (kept) => {
        draft = kept;
      },
      published: () => assert.fail('published over the limit'),
      changed: (state) => states.push(state),
      unauthenticated: () => assert.fail('the admin token was refused'),
      online: () => true,
    });
    try {
      const sentAt = Date.now();
      publisher.publish();
      for (let i = 0; i < 200 && !states.some((s) => s.phase === 'retrying'); i += 1) await new Promise((r) => setTimeout(r, 20));
      const retrying = states.find((s) => s.phase === 'retrying');
      assert.ok(retrying?.phase === 'retrying', JSON.stringify(states));
      assert.match(retrying.message, /saving faster than the server allows for one token\. Try again in \d+ s\. Not published yet\./);
      assert.ok(retrying.retryAt - sentAt >= 1_000, 'not before Retry-After (at least 1 s)');
    } finally {
      publisher.dispose();
    }
  });
});
