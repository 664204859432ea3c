import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Blog, BlogEvent, BlogId, CatchUp, Entry, Position } from '../../shared/index.js';
import type { EventBus } from '../../server/bus/event-bus.js';
import type { EventStore } from '../../server/store/event-store.js';
import { editBlog, editEntry, makeBlog, makeEntry, uniqueBlogId, uniqueEntryId } from './fixtures.js';

/** A store with the bus its mutations publish on, as each implementation builds it. */
export interface StoreHarness {
  store: EventStore;
  bus: EventBus;
  close(): Promise<void>;
}

export type MakeStore = (opts: { logMax: number }) => Promise<StoreHarness>;

const WIDE = { pageSize: 50, maxEvents: 1_000 };

/**
 * Polls until `ready()` holds; fails naming `what` when it does not within a generous bound
 * (a safety net for asynchronous delivery, not a performance assertion).
 *
 * @example
 * await waitFor(() => raws.length === 3, 'three messages');
 */
export async function waitFor(ready: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Narrows a store outcome to its success branch, failing the test otherwise.
 *
 * @example
 * const { position } = ok(await store.createBlog(blog));
 */
export function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  assert.equal(result.ok, true, `expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

function events(result: CatchUp | null): BlogEvent[] {
  assert.ok(result !== null, 'blog should exist');
  assert.equal(result.reset, false, 'expected events, got a reset');
  return result.reset ? [] : result.events;
}

function resetOf(result: CatchUp | null): Extract<CatchUp, { reset: true }> {
  assert.ok(result !== null, 'blog should exist');
  assert.equal(result.reset, true, 'expected a reset');
  return result as Extract<CatchUp, { reset: true }>;
}

/**
 * The contract every `EventStore` keeps, run against each implementation.
 *
 * @example
 * storeConformance('MemoryStore', async ({ logMax }) => { const bus = new MemoryBus(); ... });
 */
export function storeConformance(name: string, makeStore: MakeStore): void {
  describe(`${name} conformance`, () => {
    let h: StoreHarness;
    let store: EventStore;
    let raws: { blogId: BlogId; raw: string }[];
    const published = (blogId: BlogId): string[] => raws.filter((m) => m.blogId === blogId).map((m) => m.raw);

    beforeEach(async () => {
      h = await makeStore({ logMax: 1_000 });
      store = h.store;
      raws = [];
      h.bus.onMessage((blogId, raw) => raws.push({ blogId, raw }));
    });
    afterEach(() => h.close());

    async function newBlog(overrides: Partial<Blog> = {}): Promise<{ blog: Blog; position: Position }> {
      const blog = makeBlog(overrides);
      await h.bus.subscribe(blog.id);
      return { blog, position: ok(await store.createBlog(blog)).position };
    }

    async function addEntries(blogId: BlogId, count: number): Promise<Entry[]> {
      const made: Entry[] = [];
      for (let i = 0; i < count; i += 1) made.push(ok(await store.createEntry(makeEntry(blogId))).entry);
      return made;
    }

    /** A last mutation whose message proves every earlier message has been delivered (pub/sub keeps order). */
    async function settle(blogId: BlogId): Promise<string[]> {
      const { position } = ok(await store.createEntry(makeEntry(blogId)));
      await waitFor(() => published(blogId).some((raw) => (JSON.parse(raw) as BlogEvent).seq === position.seq), `seq ${position.seq} on the bus`);
      return published(blogId);
    }

    it('when a blog is created, then its log starts at seq 1 with a blog.updated carrying the blog', async () => {
      const { blog, position } = await newBlog();
      assert.equal(position.seq, 1);
      assert.deepEqual(await store.position(blog.id), position);
      assert.deepEqual(await store.getBlog(blog.id), blog);
      const log = events(await store.readEvents(blog.id, { epoch: position.epoch, after: 0 }, WIDE));
      assert.equal(log.length, 1);
      assert.deepEqual(log[0], { blogId: blog.id, epoch: position.epoch, seq: 1, at: log[0]?.at, type: 'blog.updated', blog });
    });

    it('when a blog id is taken, then creating it again is refused and changes nothing', async () => {
      const { blog, position } = await newBlog();
      assert.deepEqual(await store.createBlog(makeBlog({ id: blog.id, title: 'Other' })), { ok: false, reason: 'exists' });
      assert.deepEqual(await store.getBlog(blog.id), blog);
      assert.deepEqual(await store.position(blog.id), position);
    });

    it('when mutations follow each other, then seq grows by exactly one each time and the epoch stays', async () => {
      const { blog, position } = await newBlog();
      const seen: Position[] = [position];
      const [entry] = await addEntries(blog.id, 1);
      assert.ok(entry);
      seen.push((await store.position(blog.id))!);
      seen.push(ok(await store.updateEntry(editEntry(entry))).position);
      seen.push(ok(await store.updateBlog(editBlog(blog, { title: 'Renamed' }), blog.updatedAt)).position);
      seen.push(ok(await store.deleteEntry(blog.id, entry.id)).position);
      assert.deepEqual(seen.map((p) => p.seq), [1, 2, 3, 4, 5]);
      assert.ok(seen.every((p) => p.epoch === position.epoch));
    });

    it('when every kind of mutation runs, then each is published exactly once with the bytes of the stored event', async () => {
      const { blog, position } = await newBlog();
      const [a, b] = await addEntries(blog.id, 2);
      assert.ok(a && b);
      ok(await store.updateEntry(editEntry(a, { body: 'edited', title: 'With a title' })));
      ok(await store.deleteEntry(blog.id, b.id));
      ok(await store.updateBlog(editBlog(blog, { keyPoints: ['one', 'two'] }), blog.updatedAt));
      const messages = await settle(blog.id);
      const stored = events(await store.readEvents(blog.id, { epoch: position.epoch, after: 0 }, WIDE));
      assert.deepEqual(stored.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
      assert.deepEqual(stored.map((e) => e.type), ['blog.updated', 'entry.created', 'entry.created', 'entry.updated', 'entry.deleted', 'blog.updated', 'entry.created']);
      assert.equal(messages.length, stored.length, 'one message per mutation, no more');
      stored.forEach((event, i) => {
        assert.equal(messages[i], JSON.stringify(event), `message ${i + 1} carries the stored bytes`);
      });
    });

    it('when pages are read with cursors, then they run newest first without overlap and end with a null cursor', async () => {
      const { blog } = await newBlog();
      const made = await addEntries(blog.id, 7);
      const newestFirst = made.map((e) => e.id).reverse();
      const seen: string[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.snapshot(blog.id, { limit: 3, cursor });
        assert.ok(page);
        assert.deepEqual(page.position, await store.position(blog.id));
        assert.deepEqual(page.blog, blog);
        seen.push(...page.entries.map((e) => e.id));
        cursors.push(page.nextCursor);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      assert.deepEqual(seen, newestFirst);
      assert.equal(cursors.length, 3);
      assert.equal(cursors[2], null);
      const exact = await store.snapshot(blog.id, { limit: 7 });
      assert.equal(exact?.entries.length, 7);
      assert.equal(exact?.nextCursor, null, 'no older page when the page holds the last entry');
    });

    it('when events after N are asked in the current epoch, then exactly the events after N come back', async () => {
      const { blog, position } = await newBlog();
      await addEntries(blog.id, 4);
      const result = await store.readEvents(blog.id, { epoch: position.epoch, after: 2 }, WIDE);
      assert.deepEqual(events(result).map((e) => e.seq), [3, 4, 5]);
      assert.deepEqual(result?.position, { epoch: position.epoch, seq: 5 });
      assert.deepEqual(events(await store.readEvents(blog.id, { epoch: position.epoch, after: 5 }, WIDE)), []);
    });

    it('when the reader gives no epoch, no seq, a foreign epoch or a seq ahead of the log, then it gets a reset with a first page', async () => {
      const { blog, position } = await newBlog();
      const made = await addEntries(blog.id, 3);
      const current = { epoch: position.epoch, seq: 4 };
      for (const from of [{}, { epoch: position.epoch }, { after: 1 }, { epoch: 'someotherepoch', after: 1 }, { epoch: position.epoch, after: 5 }]) {
        const reset = resetOf(await store.readEvents(blog.id, from, { pageSize: 2, maxEvents: 100 }));
        assert.deepEqual(reset.position, current, JSON.stringify(from));
        assert.deepEqual(reset.snapshot.blog, blog);
        assert.deepEqual(reset.snapshot.entries.map((e) => e.id), [made[2]?.id, made[1]?.id]);
        assert.notEqual(reset.snapshot.nextCursor, null);
      }
    });

    it('when the reader is more than maxEvents behind, then it gets a reset; at exactly maxEvents it gets the events', async () => {
      const { blog, position } = await newBlog();
      await addEntries(blog.id, 5);
      resetOf(await store.readEvents(blog.id, { epoch: position.epoch, after: 1 }, { pageSize: 10, maxEvents: 4 }));
      assert.equal(events(await store.readEvents(blog.id, { epoch: position.epoch, after: 2 }, { pageSize: 10, maxEvents: 4 })).length, 4);
    });

    it('when the asked seq has been trimmed out of the capped log, then the reader gets a reset', async () => {
      const small = await makeStore({ logMax: 5 });
      try {
        const blog = makeBlog();
        const { position } = ok(await small.store.createBlog(blog));
        for (let i = 0; i < 9; i += 1) ok(await small.store.createEntry(makeEntry(blog.id)));
        // Seqs 6..10 are retained: a reader at 5 needs 6.. (kept), a reader at 4 needs 5 (gone).
        assert.deepEqual(events(await small.store.readEvents(blog.id, { epoch: position.epoch, after: 5 }, WIDE)).map((e) => e.seq), [6, 7, 8, 9, 10]);
        const reset = resetOf(await small.store.readEvents(blog.id, { epoch: position.epoch, after: 4 }, WIDE));
        assert.deepEqual(reset.position, { epoch: position.epoch, seq: 10 });
        assert.equal(reset.snapshot.entries.length, 9);
      } finally {
        await small.close();
      }
    });

    it('when a blog does not exist, then reads answer null and writes answer not found', async () => {
      const ghost = uniqueBlogId('ghost');
      assert.equal(await store.getBlog(ghost), null);
      assert.equal(await store.position(ghost), null);
      assert.equal(await store.snapshot(ghost, { limit: 10 }), null);
      assert.equal(await store.readEvents(ghost, {}, WIDE), null);
      assert.equal(await store.getEntry(ghost, uniqueEntryId()), null);
      assert.deepEqual(await store.updateBlog(makeBlog({ id: ghost }), 'x'), { ok: false, reason: 'not_found' });
      assert.deepEqual(await store.createEntry(makeEntry(ghost)), { ok: false, reason: 'blog_not_found' });
      assert.deepEqual(await store.updateEntry(editEntry(makeEntry(ghost))), { ok: false, reason: 'blog_not_found' });
      assert.deepEqual(await store.deleteEntry(ghost, uniqueEntryId()), { ok: false, reason: 'blog_not_found' });
      assert.deepEqual(await store.rotateEpoch(ghost, 'anyepoch'), { ok: false, reason: 'blog_not_found' });
    });

    it('when an idempotency key is repeated, then the original entry comes back at the current position and nothing is published', async () => {
      const { blog } = await newBlog();
      const idem = { key: 'key-1', fingerprint: 'body-hash-1' };
      const first = ok(await store.createEntry(makeEntry(blog.id), idem));
      assert.equal(first.replayed, false);
      await addEntries(blog.id, 1);
      const now = await store.position(blog.id);
      const before = (await settle(blog.id)).length;

      const replay = ok(await store.createEntry(makeEntry(blog.id, { body: 'same request, new id' }), idem));
      assert.equal(replay.replayed, true);
      assert.deepEqual(replay.entry, first.entry);
      assert.deepEqual(replay.position, { epoch: now?.epoch, seq: (now?.seq ?? 0) + 1 });
      assert.deepEqual(await store.createEntry(makeEntry(blog.id), { key: 'key-1', fingerprint: 'other-body' }), {
        ok: false,
        reason: 'idempotency_key_reused',
      });
      const after = await settle(blog.id);
      assert.equal(after.length, before + 1, 'only the settling mutation was published');
      const page = await store.snapshot(blog.id, { limit: 50 });
      assert.equal(page?.entries.filter((e) => e.id === first.entry.id).length, 1);
      assert.equal(page?.entries.length, 4);

      const { blog: other } = await newBlog();
      assert.equal(ok(await store.createEntry(makeEntry(other.id), idem)).replayed, false, 'keys are per blog');
    });

    it('when an entry is edited from a stale version, then the edit is refused with the current entry', async () => {
      const { blog } = await newBlog();
      const [entry] = await addEntries(blog.id, 1);
      assert.ok(entry);
      const v2 = editEntry(entry, { body: 'second' });
      ok(await store.updateEntry(v2));
      assert.deepEqual(await store.getEntry(blog.id, entry.id), v2);
      assert.deepEqual(await store.updateEntry(editEntry(entry, { body: 'stale' })), { ok: false, reason: 'version_conflict', current: v2 });
      assert.deepEqual(await store.updateEntry({ ...editEntry(v2), version: 5 }), { ok: false, reason: 'version_conflict', current: v2 });
      assert.deepEqual(await store.updateEntry(editEntry(makeEntry(blog.id))), { ok: false, reason: 'entry_not_found' });
      assert.deepEqual(await store.getEntry(blog.id, entry.id), v2);
    });

    it('when the blog header is updated, then it is a compare-and-set on updatedAt', async () => {
      const { blog } = await newBlog();
      const renamed = editBlog(blog, { title: 'Renamed' });
      assert.equal(ok(await store.updateBlog(renamed, blog.updatedAt)).position.seq, 2);
      const lost = await store.updateBlog(editBlog(blog, { keyPoints: ['late'] }), blog.updatedAt);
      assert.deepEqual(lost, { ok: false, reason: 'changed', current: renamed });
      assert.deepEqual(await store.getBlog(blog.id), renamed);
      assert.equal((await store.position(blog.id))?.seq, 2);
    });

    it('when a blog has ended, then new entries are refused but an earlier idempotent create still replays', async () => {
      const { blog } = await newBlog();
      const idem = { key: 'before-end', fingerprint: 'f' };
      const created = ok(await store.createEntry(makeEntry(blog.id), idem));
      ok(await store.updateBlog(editBlog(blog, { status: 'ended' }), blog.updatedAt));
      assert.deepEqual(await store.createEntry(makeEntry(blog.id)), { ok: false, reason: 'blog_ended' });
      assert.deepEqual(ok(await store.createEntry(makeEntry(blog.id), idem)).entry, created.entry);
      assert.equal((await store.position(blog.id))?.seq, 3);
    });

    it('when an entry is deleted, then it is gone from reads and an entry.deleted event names it', async () => {
      const { blog, position } = await newBlog();
      const [a, b] = await addEntries(blog.id, 2);
      assert.ok(a && b);
      const { position: at } = ok(await store.deleteEntry(blog.id, a.id));
      assert.equal(await store.getEntry(blog.id, a.id), null);
      assert.deepEqual((await store.snapshot(blog.id, { limit: 10 }))?.entries.map((e) => e.id), [b.id]);
      const [event] = events(await store.readEvents(blog.id, { epoch: position.epoch, after: at.seq - 1 }, WIDE));
      assert.deepEqual(event, { blogId: blog.id, epoch: position.epoch, seq: at.seq, at: event?.at, type: 'entry.deleted', entryId: a.id });
      assert.deepEqual(await store.deleteEntry(blog.id, a.id), { ok: false, reason: 'entry_not_found' });
    });

    it('when the epoch is rotated, then the log restarts at seq 1 in a new epoch and entries keep their order', async () => {
      const { blog, position } = await newBlog();
      const made = await addEntries(blog.id, 2);
      assert.deepEqual(await store.rotateEpoch(blog.id, 'notthecurrentone'), { ok: false, reason: 'epoch_changed' });
      const rotated = ok(await store.rotateEpoch(blog.id, position.epoch)).position;
      assert.notEqual(rotated.epoch, position.epoch);
      assert.equal(rotated.seq, 1);
      assert.deepEqual(await store.rotateEpoch(blog.id, position.epoch), { ok: false, reason: 'epoch_changed' });
      assert.deepEqual(resetOf(await store.readEvents(blog.id, { epoch: position.epoch, after: 3 }, WIDE)).position, rotated);
      const [first] = events(await store.readEvents(blog.id, { epoch: rotated.epoch, after: 0 }, WIDE));
      assert.deepEqual(first, { blogId: blog.id, epoch: rotated.epoch, seq: 1, at: first?.at, type: 'blog.updated', blog });
      const messages = await settle(blog.id);
      assert.ok(messages.some((raw) => raw === JSON.stringify(first)), 'the rotation was published');
      const page = await store.snapshot(blog.id, { limit: 10 });
      assert.equal(page?.position.seq, 2);
      assert.equal(page?.entries.length, 3);
      assert.deepEqual(page?.entries.slice(1).map((e) => e.id), [made[1]?.id, made[0]?.id], 'an entry created after the rotation sorts as newest');
    });

    it('when blogs are listed, then the newest comes first', async () => {
      const { blog: a } = await newBlog();
      const { blog: b } = await newBlog();
      const { blog: c } = await newBlog();
      const mine = new Set([a.id, b.id, c.id]);
      const listed = (await store.listBlogs()).filter((x) => mine.has(x.id));
      assert.deepEqual(listed, [c, b, a]);
    });

    it('when a caller mutates what the store returned, then the stored state does not change', async () => {
      const { blog } = await newBlog();
      const created = ok(await store.createEntry(makeEntry(blog.id)));
      created.entry.body = 'mutated';
      const got = await store.getBlog(blog.id);
      assert.ok(got);
      got.keyPoints.push('mutated');
      assert.notEqual((await store.getEntry(blog.id, created.entry.id))?.body, 'mutated');
      assert.deepEqual((await store.getBlog(blog.id))?.keyPoints, []);
    });
  });
}
