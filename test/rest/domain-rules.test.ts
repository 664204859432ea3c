import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Blog } from '../../shared/index.js';
import { memoryStore, storeWith, type TestStore } from './stores.js';
import { startRestApp, type RestApp } from './support.js';

describe('write rules under a clock that stands still', () => {
  const frozen = new Date('2030-06-01T12:00:00.000Z');
  let made: TestStore;
  let app: RestApp;

  before(async () => {
    made = await memoryStore();
    app = await startRestApp(made.store, { now: () => frozen });
  });
  after(async () => {
    await app?.close();
    await made?.close();
  });

  it('when a blog and an entry are edited in the same millisecond, then updatedAt still moves forward by 1 ms each time', async () => {
    const token = app.editorToken;
    const created = await app.call('POST', '/api/blogs', { token, json: { title: 'Frozen clock' } });
    assert.equal(created.body.blog.updatedAt, frozen.toISOString());
    const blogId: string = created.body.blog.id;
    const first = await app.call('PATCH', `/api/blogs/${blogId}`, { token, json: { title: 'One' } });
    const second = await app.call('PATCH', `/api/blogs/${blogId}`, { token, json: { title: 'Two' } });
    assert.equal(first.body.blog.updatedAt, '2030-06-01T12:00:00.001Z');
    assert.equal(second.body.blog.updatedAt, '2030-06-01T12:00:00.002Z');

    const entry = await app.call('POST', `/api/blogs/${blogId}/entries`, { token, json: { body: 'x' } });
    const edited = await app.call('PATCH', `/api/blogs/${blogId}/entries/${entry.body.entry.id}`, { token, json: { version: 1, body: 'y' } });
    assert.equal(entry.body.entry.updatedAt, frozen.toISOString());
    assert.equal(edited.body.entry.updatedAt, '2030-06-01T12:00:00.001Z');
  });

  it('when an ended blog is ended again, then its coverageEndTime stays the first one', async () => {
    const token = app.editorToken;
    const created = await app.call('POST', '/api/blogs', { token, json: { title: 'Ends twice' } });
    const blogId: string = created.body.blog.id;
    const ended = await app.call('PATCH', `/api/blogs/${blogId}`, { token, json: { status: 'ended' } });
    const again = await app.call('PATCH', `/api/blogs/${blogId}`, { token, json: { status: 'ended', title: 'Ended, renamed' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.blog.coverageEndTime, ended.body.blog.coverageEndTime);
    assert.ok(again.body.blog.updatedAt > ended.body.blog.updatedAt);
  });

  it('when a quote loses its attribution and becomes text, then the edit is accepted and the attribution is gone', async () => {
    const token = app.editorToken;
    const created = await app.call('POST', '/api/blogs', { token, json: { title: 'Quotes' } });
    const blogId: string = created.body.blog.id;
    const quote = await app.call('POST', `/api/blogs/${blogId}/entries`, { token, json: { kind: 'quote', body: '"We won"', attribution: 'The mayor' } });
    assert.equal(quote.status, 201);
    const path = `/api/blogs/${blogId}/entries/${quote.body.entry.id}`;
    const refused = await app.call('PATCH', path, { token, json: { version: 1, kind: 'text' } });
    assert.equal(refused.status, 400);
    const accepted = await app.call('PATCH', path, { token, json: { version: 1, kind: 'text', attribution: null } });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.entry.kind, 'text');
    assert.equal('attribution' in accepted.body.entry, false);
  });
});

describe('blog patches racing another write', () => {
  let made: TestStore;
  let app: RestApp;
  let interleave: ((next: Blog) => Promise<void>) | undefined;

  before(async () => {
    made = await memoryStore();
    const inner = made.store;
    // runs another editor's write right between this patch's read and its compare-and-set
    const store = storeWith(inner, {
      updateBlog: async (next, expectedUpdatedAt) => {
        const concurrent = interleave;
        interleave = undefined;
        if (concurrent) await concurrent(next);
        return inner.updateBlog(next, expectedUpdatedAt);
      },
    });
    app = await startRestApp(store);
  });
  after(async () => {
    await app?.close();
    await made?.close();
  });

  it('when the blog changes between read and write, then the patch is applied again on top of the change', async () => {
    const token = app.editorToken;
    const created = await app.call('POST', '/api/blogs', { token, json: { title: 'Race', keyPoints: ['old'] } });
    const blogId: string = created.body.blog.id;
    interleave = async () => {
      const current = await made.store.getBlog(blogId);
      assert.ok(current);
      const outcome = await made.store.updateBlog(
        { ...current, keyPoints: ['from the other editor'], updatedAt: new Date(Date.parse(current.updatedAt) + 500).toISOString() },
        current.updatedAt,
      );
      assert.equal(outcome.ok, true);
    };
    const res = await app.call('PATCH', `/api/blogs/${blogId}`, { token, json: { title: 'Race, renamed' } });
    assert.equal(res.status, 200);
    assert.equal(interleave, undefined, 'the concurrent write ran');
    assert.equal(res.body.blog.title, 'Race, renamed');
    assert.deepEqual(res.body.blog.keyPoints, ['from the other editor']);
    const page = await app.call('GET', `/api/blogs/${blogId}`);
    assert.deepEqual(page.body.blog, res.body.blog);
    assert.equal(page.body.position.seq, 3);
  });
});
