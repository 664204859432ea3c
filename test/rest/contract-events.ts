import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventsResult } from '../../shared/index.js';
import type { ContractContext } from './contract.js';
import { expectError, expectInvalid } from './support.js';

/** Catch-up over REST: `GET /blogs/:blogId/events`. */
export function eventsContract(ctx: ContractContext): void {
  describe('events catch-up', () => {
    it('when a reader asks for events after its position, then it gets exactly the events since, in order', async () => {
      const { blog, position } = await ctx.blog();
      const { entry } = await ctx.entry(blog.id, { body: 'first' });
      await ctx.app.call('PATCH', `/api/blogs/${blog.id}/entries/${entry.id}`, { token: ctx.app.editorToken, json: { version: 1, pinned: true } });
      await ctx.app.call('PATCH', `/api/blogs/${blog.id}`, { token: ctx.app.editorToken, json: { title: 'Renamed' } });
      await ctx.app.call('DELETE', `/api/blogs/${blog.id}/entries/${entry.id}`, { token: ctx.app.editorToken });

      const res = await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=${position.epoch}&after=${position.seq}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal('reset' in res.body, false, 'the internal reset:false flag is not part of the REST answer');
      const result = EventsResult.parse(res.body);
      assert.ok('events' in result);
      assert.deepEqual(
        result.events.map((e) => [e.seq, e.type]),
        [[2, 'entry.created'], [3, 'entry.updated'], [4, 'blog.updated'], [5, 'entry.deleted']],
      );
      assert.ok(result.events.every((e) => e.epoch === position.epoch && e.blogId === blog.id));
      assert.deepEqual(result.position, { epoch: position.epoch, seq: 5 });

      const fromMiddle = EventsResult.parse(
        (await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=${position.epoch}&after=3`)).body,
      );
      assert.ok('events' in fromMiddle);
      assert.deepEqual(fromMiddle.events.map((e) => e.seq), [4, 5]);

      const upToDate = EventsResult.parse((await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=${position.epoch}&after=5`)).body);
      assert.ok('events' in upToDate);
      assert.deepEqual(upToDate.events, []);
    });

    it('when a reader has no position, a different epoch, or a seq ahead of the log, then it gets a reset with a snapshot', async () => {
      const { blog, position } = await ctx.blog();
      await ctx.entry(blog.id, { body: 'only entry' });
      const queries = ['', `?epoch=someotherepoch&after=1`, `?epoch=${position.epoch}&after=99`, `?after=1`];
      for (const query of queries) {
        const res = await ctx.app.call('GET', `/api/blogs/${blog.id}/events${query}`);
        assert.equal(res.status, 200, query);
        const result = EventsResult.parse(res.body);
        assert.ok('reset' in result && result.reset === true, `expected a reset for "${query}"`);
        assert.equal(result.snapshot.blog.id, blog.id);
        assert.deepEqual(result.snapshot.entries.map((e) => e.body), ['only entry']);
        assert.deepEqual(result.position, { epoch: position.epoch, seq: 2 });
      }
    });

    it('when events of a blog that does not exist are asked for, then 404 blog_not_found', async () => {
      expectError(await ctx.app.call('GET', '/api/blogs/no-such-blog/events?epoch=abc&after=1'), 404, 'blog_not_found');
    });

    it('when the events query is malformed, then 400 names after or epoch', async () => {
      const { blog } = await ctx.blog();
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=abc&after=-1`), ['after']);
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=abc&after=1.5`), ['after']);
      expectInvalid(await ctx.app.call('GET', `/api/blogs/${blog.id}/events?epoch=${'%24'.repeat(3)}&after=1`), ['epoch']);
    });
  });
}
