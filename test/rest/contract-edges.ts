import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import { expectError, expectInvalid } from './support.js';

/** What every route shares: authentication, body parsing, unknown routes. */
export function edgeContract(ctx: ContractContext): void {
  describe('authentication', () => {
    it('when a write has no bearer token, then 401 unauthenticated with WWW-Authenticate', async () => {
      const res = await ctx.app.call('POST', '/api/blogs', { json: { title: 'x' } });
      expectError(res, 401, 'unauthenticated');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    });

    it('when a write has a wrong bearer token, then 401 unauthenticated on every write route', async () => {
      const { blog } = await ctx.blog();
      const { entry } = await ctx.entry(blog.id);
      const token = 'lb_not-a-real-token';
      const writes: Array<[string, string, unknown]> = [
        ['POST', '/api/blogs', { title: 'x' }],
        ['PATCH', `/api/blogs/${blog.id}`, { title: 'x' }],
        ['POST', `/api/blogs/${blog.id}/entries`, { body: 'x' }],
        ['PATCH', `/api/blogs/${blog.id}/entries/${entry.id}`, { version: 1, pinned: true }],
        ['DELETE', `/api/blogs/${blog.id}/entries/${entry.id}`, undefined],
      ];
      for (const [method, path, json] of writes) {
        expectError(await ctx.app.call(method, path, { token, json }), 401, 'unauthenticated');
      }
      const page = await ctx.app.call('GET', `/api/blogs/${blog.id}`);
      assert.equal(page.body.entries.length, 1, 'nothing was written');
    });

    it('when an editor calls an admin route, then 403 forbidden', async () => {
      expectError(await ctx.app.call('GET', '/api/tokens', { token: ctx.app.editorToken }), 403, 'forbidden');
    });

    it('when the admin writes, then it is let through as an editor and is the author', async () => {
      const { blog } = await ctx.blog();
      const res = await ctx.app.call('POST', `/api/blogs/${blog.id}/entries`, { token: ctx.app.adminToken, json: { body: 'from the desk' } });
      assert.equal(res.status, 201);
      assert.equal(res.body.entry.author.name, 'admin');
    });

    it('when reads come without a token, then they are public', async () => {
      const { blog } = await ctx.blog();
      assert.equal((await ctx.app.call('GET', '/api/blogs')).status, 200);
      assert.equal((await ctx.app.call('GET', `/api/blogs/${blog.id}`)).status, 200);
      assert.equal((await ctx.app.call('GET', `/api/blogs/${blog.id}/events`)).status, 200);
    });
  });

  describe('request bodies and routing', () => {
    it('when the body is not valid JSON, then 400 malformed_json', async () => {
      const res = await ctx.app.call('POST', '/api/blogs', {
        token: ctx.app.editorToken,
        raw: '{"title": "unterminated',
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 400, 'malformed_json');
    });

    it('when a write is not sent as application/json, then 400 validation_failed names Content-Type', async () => {
      const res = await ctx.app.call('POST', '/api/blogs', {
        token: ctx.app.editorToken,
        raw: 'title=Storm',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectInvalid(res, ['Content-Type']);
      assert.match(res.body.error.message, /application\/json/);
      const none = await ctx.app.call('PATCH', '/api/blogs/some-blog', { token: ctx.app.editorToken });
      expectInvalid(none, ['Content-Type']);
    });

    it('when the body is larger than 256 KiB, then 413 payload_too_large', async () => {
      const { blog } = await ctx.blog();
      const res = await ctx.app.call('POST', `/api/blogs/${blog.id}/entries`, {
        token: ctx.app.editorToken,
        json: { body: 'x'.repeat(257 * 1024) },
      });
      expectError(res, 413, 'payload_too_large');
      const page = await ctx.app.call('GET', `/api/blogs/${blog.id}`);
      assert.deepEqual(page.body.entries, []);
    });

    it('when the body is JSON but not an object, then 400 validation_failed', async () => {
      const res = await ctx.app.call('POST', '/api/blogs', { token: ctx.app.editorToken, json: ['title'] });
      expectError(res, 400, 'validation_failed');
    });

    it('when a route does not exist, then 404 not_found', async () => {
      expectError(await ctx.app.call('GET', '/api/nothing-here'), 404, 'not_found');
      expectError(await ctx.app.call('PUT', '/api/blogs', { token: ctx.app.editorToken, json: {} }), 404, 'not_found');
    });

    it('when a path segment is not valid percent-encoding, then 400 validation_failed', async () => {
      expectError(await ctx.app.call('GET', '/api/blogs/%E0%A4%A'), 400, 'validation_failed');
    });
  });
}
