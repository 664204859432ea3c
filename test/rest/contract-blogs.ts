import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlogList, BlogPage, BlogWriteResult } from '../../shared/index.js';
import type { ContractContext } from './contract.js';
import { EDITOR_NAME, expectError, expectInvalid, uniqueBlogId } from './support.js';

/** Blogs: create, derived ids, list, page with cursor, patch. */
export function blogContract(ctx: ContractContext): void {
  describe('blogs', () => {
    it('when an editor creates a blog with a title only, then it is live, its id is the slug, and seq 1 is its creation', async () => {
      const title = `Élection présidentielle ${uniqueBlogId('t')}`;
      const res = await ctx.app.call('POST', '/api/blogs', { token: ctx.app.editorToken, json: { title, keyPoints: ['Polls close at 8'] } });
      assert.equal(res.status, 201);
      const { blog, position } = BlogWriteResult.parse(res.body);
      assert.match(blog.id, /^election-presidentielle-t-\d+-\d+$/);
      assert.equal(blog.status, 'live');
      assert.deepEqual(blog.keyPoints, ['Polls close at 8']);
      assert.equal(blog.coverageStartTime, blog.createdAt);
      assert.equal(blog.updatedAt, blog.createdAt);
      assert.equal(blog.coverageEndTime, undefined);
      assert.equal(position.seq, 1);
      assert.equal(res.headers.get('location'), `/api/blogs/${blog.id}`);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('when the slug of a title is taken, then the next blogs get "-2" and "-3"', async () => {
      const title = `Storm ${uniqueBlogId('watch')}`;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await ctx.app.call('POST', '/api/blogs', { token: ctx.app.editorToken, json: { title } });
        assert.equal(res.status, 201);
        ids.push(res.body.blog.id);
      }
      assert.deepEqual(ids.slice(1), [`${ids[0]}-2`, `${ids[0]}-3`]);
    });

    it('when an explicit id is taken, then 409 blog_exists', async () => {
      const { blog } = await ctx.blog();
      const res = await ctx.app.call('POST', '/api/blogs', { token: ctx.app.editorToken, json: { id: blog.id, title: 'Again' } });
      expectError(res, 409, 'blog_exists');
    });

    it('when a blog is created with bad fields, then 400 names each of them', async () => {
      const res = await ctx.app.call('POST', '/api/blogs', {
        token: ctx.app.editorToken,
        json: { id: 'Not A Slug', title: '', keyPoints: ['ok', ''], author: 'me' },
      });
      expectInvalid(res, ['id', 'title', 'keyPoints.1', 'author']);
    });

    it('when blogs are listed, then every blog is there, newest first', async () => {
      const first = await ctx.blog('First');
      const second = await ctx.blog('Second');
      const res = await ctx.app.call('GET', '/api/blogs');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const ids = BlogList.parse(res.body).blogs.map((b) => b.id);
      const [i1, i2] = [ids.indexOf(first.blog.id), ids.indexOf(second.blog.id)];
      assert.ok(i1 >= 0 && i2 >= 0, 'both blogs are listed');
      assert.ok(i2 < i1, 'the newer blog comes first');
    });

    it('when a blog is read, then it comes with its entries, newest first, and the position they reflect', async () => {
      const { blog } = await ctx.blog();
      await ctx.entry(blog.id, { body: 'one' });
      const { position } = await ctx.entry(blog.id, { body: 'two' });
      const res = await ctx.app.call('GET', `/api/blogs/${blog.id}`);
      assert.equal(res.status, 200);
      const page = BlogPage.parse(res.body);
      assert.deepEqual(page.blog, blog);
      assert.deepEqual(page.entries.map((e) => e.body), ['two', 'one']);
      assert.equal(page.entries[0]?.author.name, EDITOR_NAME);
      assert.deepEqual(page.position, position);
      assert.equal(page.nextCursor, null);
    });

    it('when a blog is paged with limit and cursor, then pages are newest first, never overlap and end with a null cursor', async () => {
      const { blog } = await ctx.blog();
      for (let i = 1; i <= 5; i++) await ctx.entry(blog.id, { body: `entry ${i}` });
      const seen: string[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
        const res = await ctx.app.call('GET', `/api/blogs/${blog.id}${query}`);
        assert.equal(res.status, 200);
        const page = BlogPage.parse(res.body);
        sizes.push(page.entries.length);
        seen.push(...page.entries.map((e) => e.body));
        cursor = page.nextCursor;
      } while (cursor !== null && sizes.length < 10);
      assert.deepEqual(sizes, [2, 2, 1]);
      assert.deepEqual(seen, ['entry 5', 'entry 4', 'entry 3', 'entry 2', 'entry 1']);
    });

    it('when the page query is bad, then 400 names limit or cursor', async () => {
      const { blog } = await ctx.blog();
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}?limit=0`), ['limit']);
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}?limit=201`), ['limit']);
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}?limit=many`), ['limit']);
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}?cursor=abc`), ['cursor']);
    });

    it('when a blog that does not exist is read or patched, then 404 blog_not_found', async () => {
      expectError(await ctx.app.call('GET', '/api/blogs/no-such-blog'), 404, 'blog_not_found');
      const res = await ctx.app.call('PATCH', '/api/blogs/no-such-blog', { token: ctx.app.editorToken, json: { title: 'x' } });
      expectError(res, 404, 'blog_not_found');
    });

    it('when the blog id in the path is not a slug, then 400 names blogId', async () => {
      expectInvalid(await ctx.app.call('GET', '/api/blogs/Bad_Id'), ['blogId']);
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${'a'.repeat(65)}`), ['blogId']);
    });

    it('when a blog is patched, then its fields change and updatedAt moves forward', async () => {
      const { blog } = await ctx.blog();
      const res = await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, {
        token: ctx.app.editorToken,
        json: { title: 'New title', keyPoints: ['a', 'b'] },
      });
      assert.equal(res.status, 200);
      const { blog: next, position } = BlogWriteResult.parse(res.body);
      assert.equal(next.title, 'New title');
      assert.deepEqual(next.keyPoints, ['a', 'b']);
      assert.equal(next.createdAt, blog.createdAt);
      assert.ok(next.updatedAt > blog.updatedAt);
      assert.equal(position.seq, 2);
      const page = await ctx.app.call('GET', `/api/blogs/${blog.id}`);
      assert.deepEqual(page.body.blog, next);
    });

    it('when a blog ends and goes live again, then coverageEndTime is set and then cleared', async () => {
      const { blog } = await ctx.blog();
      const ended = await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, { token: ctx.app.editorToken, json: { status: 'ended' } });
      assert.equal(ended.status, 200);
      assert.equal(ended.body.blog.status, 'ended');
      assert.equal(ended.body.blog.coverageEndTime, ended.body.blog.updatedAt);
      const live = await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, { token: ctx.app.editorToken, json: { status: 'live' } });
      assert.equal(live.status, 200);
      assert.equal(live.body.blog.status, 'live');
      assert.equal('coverageEndTime' in live.body.blog, false);
    });

    it('when two editors patch different fields at the same time, then neither change is lost', async () => {
      const { blog } = await ctx.blog();
      const path = `/api/blogs/${blog.id}`;
      const token = ctx.app.editorToken;
      const [a, b] = await Promise.all([
        ctx.app.call('PATCH', path, { token, json: { title: 'Concurrent title' } }),
        ctx.app.call('PATCH', path, { token, json: { keyPoints: ['Concurrent point'] } }),
      ]);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      const page = await ctx.app.call('GET', path);
      assert.equal(page.body.blog.title, 'Concurrent title');
      assert.deepEqual(page.body.blog.keyPoints, ['Concurrent point']);
      assert.equal(page.body.position.seq, 3);
    });

    it('when a blog patch is empty or has unknown fields, then 400', async () => {
      const { blog } = await ctx.blog();
      const empty = await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, { token: ctx.app.editorToken, json: {} });
      expectError(empty, 400, 'validation_failed');
      assert.match(empty.body.error.message, /title, keyPoints, status/);
      const unknown = await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, { token: ctx.app.editorToken, json: { status: 'paused' } });
      expectInvalid(unknown, ['status']);
    });
  });
}
