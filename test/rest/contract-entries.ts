import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EntryWriteResult, EventsResult } from '../../shared/index.js';
import type { ContractContext } from './contract.js';
import { EDITOR_NAME, expectError, expectInvalid } from './support.js';

/** Entries: create (with idempotency), edit with versions, delete. */
export function entryContract(ctx: ContractContext): void {
  describe('entries', () => {
    it('when an editor posts an entry, then it is stored at version 1 with the token name as author and sanitized html', async () => {
      const { blog } = await ctx.blog();
      const res = await ctx.app.call('POST', `/api/blogs/${blog.id}/entries`, {
        token: ctx.app.editorToken,
        json: { title: 'Result', body: '**Yes** <script>alert(1)</script>[src](https://example.com)', keyEvent: true },
      });
      assert.equal(res.status, 201);
      const { entry, position } = EntryWriteResult.parse(res.body);
      assert.equal(entry.blogId, blog.id);
      assert.equal(entry.kind, 'text');
      assert.equal(entry.version, 1);
      assert.equal(entry.author.name, EDITOR_NAME);
      assert.equal(entry.keyEvent, true);
      assert.equal(entry.pinned, false);
      assert.equal(entry.html.includes('<strong>Yes</strong>'), true);
      assert.equal(entry.html.includes('script'), false);
      assert.match(entry.html, /<a href="https:\/\/example.com" rel="noopener noreferrer" target="_blank">src<\/a>/);
      assert.equal(position.seq, 2);
      assert.equal(res.headers.get('location'), `/api/blogs/${blog.id}/entries/${entry.id}`);
      assert.equal(res.headers.get('idempotent-replayed'), null);
    });

    it('when an entry tries to set its own author or breaks kind rules, then 400 names the fields', async () => {
      const { blog } = await ctx.blog();
      const path = `/api/blogs/${blog.id}/entries`;
      const token = ctx.app.editorToken;
      expectInvalid(await ctx.app.call('POST', path, { token, json: { body: 'x', author: { name: 'Someone else' } } }), ['author']);
      expectInvalid(await ctx.app.call('POST', path, { token, json: { kind: 'image', body: '' } }), ['media']);
      expectInvalid(
        await ctx.app.call('POST', path, { token, json: { kind: 'image', media: { url: 'http://insecure.example/a.jpg' } } }),
        ['media.url'],
      );
      expectInvalid(await ctx.app.call('POST', path, { token, json: { body: '   ' } }), ['body']);
      expectInvalid(await ctx.app.call('POST', path, { token, json: { body: 'x', attribution: 'Someone' } }), ['attribution']);
      expectInvalid(await ctx.app.call('POST', path, { token, json: { body: 'x'.repeat(20_001), pinned: 'yes' } }), ['body', 'pinned']);
    });

    it('when an entry is posted to a blog that does not exist, then 404 blog_not_found', async () => {
      const res = await ctx.app.call('POST', '/api/blogs/no-such-blog/entries', { token: ctx.app.editorToken, json: { body: 'x' } });
      expectError(res, 404, 'blog_not_found');
    });

    it('when an entry is posted to an ended blog, then 409 blog_ended', async () => {
      const { blog } = await ctx.blog();
      await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, { token: ctx.app.editorToken, json: { status: 'ended' } });
      const res = await ctx.app.call('POST', `/api/blogs/${blog.id}/entries`, { token: ctx.app.editorToken, json: { body: 'late' } });
      expectError(res, 409, 'blog_ended');
    });

    it('when a create is retried with the same Idempotency-Key, then the same entry comes back and /events holds exactly one entry.created', async () => {
      const { blog, position } = await ctx.blog();
      const send = () =>
        ctx.app.call('POST', `/api/blogs/${blog.id}/entries`, {
          token: ctx.app.editorToken,
          json: { body: 'Only once', pinned: false },
          headers: { 'idempotency-key': 'console-42:attempt' },
        });
      const first = await send();
      const retry = await send();
      assert.equal(first.status, 201);
      assert.equal(retry.status, 201);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body.entry, first.body.entry);

      const events = await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=${position.epoch}&after=${position.seq}`);
      const result = EventsResult.parse(events.body);
      assert.ok('events' in result);
      const created = result.events.filter((e) => e.type === 'entry.created');
      assert.equal(created.length, 1);
      assert.equal(created[0]?.type === 'entry.created' && created[0].entry.id, first.body.entry.id);
    });

    it('when an Idempotency-Key is reused for a different body, then 422 idempotency_key_reused', async () => {
      const { blog } = await ctx.blog();
      const headers = { 'idempotency-key': 'reused-key' };
      const path = `/api/blogs/${blog.id}/entries`;
      assert.equal((await ctx.app.call('POST', path, { token: ctx.app.editorToken, json: { body: 'first' }, headers })).status, 201);
      const res = await ctx.app.call('POST', path, { token: ctx.app.editorToken, json: { body: 'second' }, headers });
      expectError(res, 422, 'idempotency_key_reused');
    });

    it('when the Idempotency-Key is too long or not printable ASCII, then 400 names it', async () => {
      const { blog } = await ctx.blog();
      const path = `/api/blogs/${blog.id}/entries`;
      for (const key of ['k'.repeat(201), 'cl\u00e9']) {
        const res = await ctx.app.call('POST', path, { token: ctx.app.editorToken, json: { body: 'x' }, headers: { 'idempotency-key': key } });
        expectInvalid(res, ['Idempotency-Key']);
      }
    });

    it('when an entry is edited at its current version, then fields change, null clears, html follows the body and version goes up', async () => {
      const { blog } = await ctx.blog();
      const { entry } = await ctx.entry(blog.id, { title: 'Draft', body: 'old' });
      const res = await ctx.app.call('PATCH', `/api/blogs/${blog.id}/entries/${entry.id}`, {
        token: ctx.app.editorToken,
        json: { version: 1, title: null, body: '_new_', pinned: true, correction: 'Fixed a typo' },
      });
      assert.equal(res.status, 200);
      const { entry: next, position } = EntryWriteResult.parse(res.body);
      assert.equal(next.version, 2);
      assert.equal('title' in next, false);
      assert.equal(next.body, '_new_');
      assert.equal(next.html, '<p><em>new</em></p>\n');
      assert.equal(next.pinned, true);
      assert.equal(next.correction, 'Fixed a typo');
      assert.equal(next.createdAt, entry.createdAt);
      assert.ok(next.updatedAt > entry.updatedAt);
      assert.equal(position.seq, 3);
    });

    it('when an entry is edited at a stale version, then 409 version_conflict carries the current entry', async () => {
      const { blog } = await ctx.blog();
      const { entry } = await ctx.entry(blog.id);
      const path = `/api/blogs/${blog.id}/entries/${entry.id}`;
      const won = await ctx.app.call('PATCH', path, { token: ctx.app.editorToken, json: { version: 1, body: 'first edit' } });
      assert.equal(won.status, 200);
      const lost = await ctx.app.call('PATCH', path, { token: ctx.app.editorToken, json: { version: 1, body: 'second edit' } });
      expectError(lost, 409, 'version_conflict');
      assert.deepEqual(lost.body.error.details.current, won.body.entry);
    });

    it('when an edit would break the kind rules, then 400 names the field', async () => {
      const { blog } = await ctx.blog();
      const { entry } = await ctx.entry(blog.id);
      const res = await ctx.app.call('PATCH', `/api/blogs/${blog.id}/entries/${entry.id}`, {
        token: ctx.app.editorToken,
        json: { version: 1, kind: 'video' },
      });
      expectInvalid(res, ['media']);
      expectInvalid(
        await ctx.app.call('PATCH', `/api/blogs/${blog.id}/entries/${entry.id}`, { token: ctx.app.editorToken, json: { body: 'no version' } }),
        ['version'],
      );
    });

    it('when an entry or its blog does not exist, then edit and delete answer 404', async () => {
      const { blog } = await ctx.blog();
      const token = ctx.app.editorToken;
      const missing = '000000000aaaaaaaaaaaa';
      expectError(await ctx.app.call('PATCH', `/api/blogs/${blog.id}/entries/${missing}`, { token, json: { version: 1, pinned: true } }), 404, 'entry_not_found');
      expectError(await ctx.app.call('PATCH', `/api/blogs/no-such-blog/entries/${missing}`, { token, json: { version: 1, pinned: true } }), 404, 'blog_not_found');
      expectError(await ctx.app.call('DELETE', `/api/blogs/${blog.id}/entries/${missing}`, { token }), 404, 'entry_not_found');
      expectError(await ctx.app.call('DELETE', `/api/blogs/no-such-blog/entries/${missing}`, { token }), 404, 'blog_not_found');
    });

    it('when the entry id in the path is malformed, then 400 names entryId', async () => {
      const { blog } = await ctx.blog();
      expectInvalid(await ctx.app.call('DELETE', `/api/blogs/${blog.id}/entries/NOT-AN-ID`, { token: ctx.app.editorToken }), ['entryId']);
    });

    it('when an entry is deleted, then 204, it leaves the page, and a second delete is 404', async () => {
      const { blog } = await ctx.blog();
      const { entry } = await ctx.entry(blog.id);
      const path = `/api/blogs/${blog.id}/entries/${entry.id}`;
      const res = await ctx.app.call('DELETE', path, { token: ctx.app.editorToken });
      assert.equal(res.status, 204);
      assert.equal(res.body, undefined);
      const page = await ctx.app.call('GET', `/api/blogs/${blog.id}`);
      assert.deepEqual(page.body.entries, []);
      assert.equal(page.body.position.seq, 3);
      expectError(await ctx.app.call('DELETE', path, { token: ctx.app.editorToken }), 404, 'entry_not_found');
    });
  });
}
