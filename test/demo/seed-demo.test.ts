import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Entry, EntryKind, LIMITS } from '../../shared/index.js';
import { MemoryBus } from '../../server/bus/memory-bus.js';
import { DEMO_BLOG_ID, seedDemo } from '../../server/demo/index.js';
import { silentLogger } from '../../server/log/logger.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { startRedis } from '../support/redis-server.js';

const NOW = new Date('2031-03-14T18:30:00.000Z');
const minutesBefore = (iso: string): number => (NOW.getTime() - Date.parse(iso)) / 60_000;

async function seeded(): Promise<{ store: MemoryStore; entries: Entry[] }> {
  const store = new MemoryStore({ bus: new MemoryBus(), logMax: 1_000 });
  const outcome = await seedDemo(store, { now: () => NOW });
  assert.equal(outcome.seeded, true);
  const page = await store.snapshot(DEMO_BLOG_ID, { limit: LIMITS.pageSizeMax });
  assert.ok(page !== null);
  return { store, entries: page.entries };
}

describe('seedDemo', () => {
  it('when the demo is seeded, then it holds about ten entries of every advertised kind', async () => {
    const { entries } = await seeded();
    assert.ok(entries.length >= 9 && entries.length <= 14, `${entries.length} entries`);
    for (const e of entries) Entry.parse(e);
    for (const kind of EntryKind.options) assert.ok(entries.some((e) => e.kind === kind), `no ${kind} entry`);
    assert.ok(entries.filter((e) => e.keyEvent).length >= 1, 'no key event');
    for (const e of entries.filter((x) => x.kind === 'image' || x.kind === 'video')) {
      assert.ok(e.media?.url.startsWith('https://'), `media of ${e.id}`);
      assert.ok((e.media?.caption ?? '').length > 0, `caption of ${e.id}`);
    }
    for (const e of entries.filter((x) => x.kind === 'quote')) assert.ok((e.attribution ?? '').length > 0);
    const html = entries.map((e) => e.html).join('\n');
    for (const tag of ['<strong>', '<a href="https://', '<ul>', '<ol>']) assert.ok(html.includes(tag), `no ${tag} in the demo`);
  });

  it('when the demo is seeded, then one pinned "What we know" summary was updated and one edited entry carries a correction', async () => {
    const { entries } = await seeded();
    const pinned = entries.filter((e) => e.pinned);
    assert.equal(pinned.length, 1);
    assert.match(pinned[0]?.title ?? '', /what we know/i);
    assert.ok((pinned[0]?.version ?? 0) >= 2, 'the summary was kept up to date');
    const corrected = entries.filter((e) => e.correction !== undefined);
    assert.equal(corrected.length, 1);
    assert.equal(corrected[0]?.version, 2);
    assert.ok((corrected[0]?.updatedAt ?? '') > (corrected[0]?.createdAt ?? ''));
  });

  it('when the demo is seeded, then its times spread over the last two hours, newest first, and the header has key points', async () => {
    const { store, entries } = await seeded();
    const ages = entries.map((e) => minutesBefore(e.createdAt));
    assert.ok(ages.every((m) => m > 0 && m <= 120), `ages ${ages.join(', ')}`);
    assert.ok(Math.max(...ages) >= 90 && Math.min(...ages) <= 10, 'spread over the two hours');
    assert.deepEqual([...ages].sort((x, y) => x - y), ages, 'the page lists the newest first');
    for (const e of entries) assert.ok(e.updatedAt >= e.createdAt && minutesBefore(e.updatedAt) > 0);
    const blog = await store.getBlog(DEMO_BLOG_ID);
    assert.ok(blog !== null);
    assert.equal(blog.status, 'live');
    assert.ok(blog.keyPoints.length >= 3 && blog.keyPoints.length <= 4, `${blog.keyPoints.length} key points`);
    assert.ok(minutesBefore(blog.coverageStartTime) >= 118);
    assert.ok(new Set(entries.map((e) => e.author.name)).size >= 2, 'written by more than one person');
  });

  it('when the demo blog already exists, then seeding again changes nothing', async () => {
    const { store } = await seeded();
    const before = await store.position(DEMO_BLOG_ID);
    const again = await seedDemo(store, { now: () => new Date() });
    assert.deepEqual(again, { seeded: false, blogId: DEMO_BLOG_ID, reason: 'exists' });
    assert.deepEqual(await store.position(DEMO_BLOG_ID), before);
  });

  it('when the demo is seeded on Redis, then the same story comes back through the store', async () => {
    const redis = await startRedis();
    const connection = await createRedisConnection(redis.url, { name: 'demo-test', logger: silentLogger() });
    try {
      const store = new RedisStore({ redis: connection, logMax: 1_000, logger: silentLogger() });
      const outcome = await seedDemo(store, { now: () => NOW });
      assert.equal(outcome.seeded, true);
      const page = await store.snapshot(DEMO_BLOG_ID, { limit: LIMITS.pageSizeMax });
      const { entries: inMemory } = await seeded();
      assert.deepEqual(page?.entries.map((e) => [e.kind, e.title, e.body, e.createdAt, e.version]), inMemory.map((e) => [e.kind, e.title, e.body, e.createdAt, e.version]));
      for (const e of page?.entries ?? []) Entry.parse(e);
    } finally {
      connection.disconnect();
      await redis.close();
    }
  });
});
