import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlogPage, type Entry } from '../../shared/index.js';
import { call, createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { until } from './fake-server.js';
import { entryIds, follow, reportedEvents, type Followed } from './support.js';

async function getPage(baseUrl: string, blogId: string): Promise<BlogPage> {
  const res = await call(baseUrl, 'GET', `/api/blogs/${blogId}`);
  assert.equal(res.status, 200);
  return BlogPage.parse(res.body);
}

async function postMany(baseUrl: string, token: string, blogId: string, bodies: string[]): Promise<Entry[]> {
  const posted: Entry[] = [];
  for (const body of bodies) posted.push((await postEntry(baseUrl, token, blogId, body)).entry);
  return posted;
}

function createdIds(f: Followed): string[] {
  return reportedEvents(f.changes).flatMap((e) => (e.type === 'entry.created' ? [e.entry.id] : []));
}

describe('live client against the real server (embedded)', () => {
  let server: TestInstance;
  const open: Followed[] = [];

  before(async () => {
    server = await startInstance();
  });
  after(async () => {
    for (const f of open) f.client.close();
    await server.close();
  });

  it('when subscribed from a page rendered before more entries were posted, then every entry arrives exactly once', async () => {
    await createBlog(server.url, server.adminToken, { id: 'rendered', title: 'Rendered' });
    const early = await postMany(server.url, server.adminToken, 'rendered', ['one', 'two', 'three']);
    const page = await getPage(server.url, 'rendered');
    const between = await postMany(server.url, server.adminToken, 'rendered', ['four', 'five', 'six']);

    const f = follow(server.url, 'rendered', { from: { snapshot: page, position: page.position } });
    open.push(f);
    await until(() => f.client.connection === 'live' && f.blog.state?.entries.size === 6, 'the entries posted since the render arrived');
    const later = await postMany(server.url, server.adminToken, 'rendered', ['seven', 'eight']);
    await until(() => f.blog.state?.entries.size === 8, 'entries posted while live arrive');

    const all = [...early, ...between, ...later].map((e) => e.id);
    assert.deepEqual(entryIds(f.blog), [...all].reverse());
    assert.deepEqual(createdIds(f), [...between, ...later].map((e) => e.id), 'each entry after the render reported once, in order');
    assert.equal(f.changes.filter((c) => c.kind === 'reset').length, 0, 'the rendered state was kept, not replaced');
  });

  it('when paging back through 120 entries, then loadOlder brings each one once, without a hole, and says when it reached the end', async () => {
    await createBlog(server.url, server.adminToken, { id: 'long-story', title: 'Long story' });
    const posted = await postMany(
      server.url,
      server.adminToken,
      'long-story',
      Array.from({ length: 120 }, (_, i) => `Entry number ${i + 1}`),
    );
    const f = follow(server.url, 'long-story');
    open.push(f);
    await until(() => f.client.connection === 'live' && f.blog.state !== undefined, 'the first page arrived');
    assert.equal(f.blog.state?.order.length, 50);

    const outcomes: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const outcome = await f.blog.loadOlder();
      outcomes.push(outcome);
      if (outcome === 'end') break;
      // the live stream keeps going while the reader pages back
      if (i === 0) posted.push((await postEntry(server.url, server.adminToken, 'long-story', 'Breaking while paging')).entry);
    }
    await until(() => f.blog.state?.entries.size === 121, 'the live entry arrived too');

    assert.deepEqual(outcomes, ['loaded', 'loaded', 'end']);
    assert.equal(f.blog.state?.olderCursor, null);
    assert.deepEqual(entryIds(f.blog), posted.map((e) => e.id).reverse(), 'newest first, no duplicate, no hole');
    const older = f.changes.filter((c) => c.kind === 'older');
    assert.deepEqual(older.map((c) => c.entries.length), [50, 20]);
  });
});

describe('live client across a server restart (Redis)', () => {
  let redis: TestRedis;
  let first: TestInstance;
  let other: TestInstance;
  let restarted: TestInstance | undefined;
  let f: Followed | undefined;

  before(async () => {
    redis = await startRedis();
    first = await startInstance({ redisUrl: redis.url });
    other = await startInstance({ redisUrl: redis.url });
  });
  after(async () => {
    f?.client.close();
    await restarted?.close();
    await first.close();
    await other.close();
    await redis.close();
  });

  it('when its instance stops and comes back on the same port, then the client goes reconnecting, then live, with every entry once', async () => {
    await createBlog(first.url, first.adminToken, { id: 'restart', title: 'Restart' });
    const before = await postMany(first.url, first.adminToken, 'restart', ['before 1', 'before 2']);
    f = follow(first.url, 'restart');
    const followed = f;
    await until(() => followed.client.connection === 'live' && followed.blog.state?.entries.size === 2, 'live with both entries');

    await first.close();
    await until(() => followed.client.connection === 'reconnecting', 'the client notices');
    // written through another instance while the reader's one is down
    const during = await postMany(other.url, other.adminToken, 'restart', ['during 1', 'during 2', 'during 3']);

    restarted = await startInstance({ redisUrl: redis.url, port: first.port });
    await until(() => followed.client.connection === 'live' && followed.blog.state?.entries.size === 5, 'back and caught up', 10_000);
    const afterwards = await postMany(restarted.url, restarted.adminToken, 'restart', ['after 1']);
    await until(() => followed.blog.state?.entries.size === 6, 'live again');

    const all = [...before, ...during, ...afterwards].map((e) => e.id);
    assert.deepEqual(entryIds(followed.blog), [...all].reverse());
    assert.deepEqual(createdIds(followed), [...during, ...afterwards].map((e) => e.id), 'each entry reported once');
    const fromDrop = followed.states.slice(followed.states.indexOf('reconnecting'));
    assert.equal(fromDrop.at(-1), 'live');
    assert.ok(
      fromDrop.slice(0, -1).every((s) => s === 'reconnecting' || s === 'catching-up'),
      `only reconnecting and catching up until live again: ${followed.states.join(' → ')}`,
    );
  });
});
