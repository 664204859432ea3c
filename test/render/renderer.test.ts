import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../shared/index.js';
import type { RendererOptions } from '../../server/domain/renderer.js';
import { createMetrics, type Metrics } from '../../server/metrics/index.js';
import { memoryStore } from '../rest/stores.js';
import { expectError, startRestApp, uniqueBlogId, type Reply, type RestApp } from '../rest/support.js';

const MAX = LIMITS.bodyMaxLength;

/** A one-column table as long as a body may be: valid Markdown that keeps the parser busy for a few hundred ms. */
const LONG_TABLE = `| a |\n| - |\n${'| x |\n'.repeat(MAX)}`.slice(0, MAX);

/** A 100-column header over thousands of empty rows: tens of MiB of tokens before its html is refused as too big. */
const WIDE_TABLE = `${'|a'.repeat(100)}|\n${'|-'.repeat(100)}|\n${'|\n'.repeat(MAX)}`.slice(0, MAX);

async function refusals(metrics: Metrics, reason: string): Promise<number> {
  const text = await metrics.registry.metrics();
  return Number(new RegExp(`^liveblog_markdown_render_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1]);
}

async function withApp(render: Omit<RendererOptions, 'logger'>, test: (app: RestApp, blogId: string) => Promise<void>): Promise<void> {
  const { store, close } = await memoryStore();
  const app = await startRestApp(store, { render });
  try {
    const blogId = uniqueBlogId('render');
    assert.equal((await app.call('POST', '/api/blogs', { token: app.editorToken, json: { id: blogId, title: 'Renderer' } })).status, 201);
    await test(app, blogId);
  } finally {
    await app.close();
    await close();
  }
}

function post(app: RestApp, blogId: string, body: string): Promise<Reply> {
  return app.call('POST', `/api/blogs/${blogId}/entries`, { token: app.editorToken, json: { body } });
}

function summary(res: Reply): string {
  return `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
}

describe('the render pool', () => {
  it('when a body (new or edited) renders past the time limit, then it is refused with 422 body_too_complex, counted, nothing is written, and the next body renders', async () => {
    const metrics = createMetrics();
    // far above an ordinary body's first render in a fresh worker (under 20 ms even on a loaded machine)
    await withApp({ metrics, timeoutMs: 100, threads: 1 }, async (app, blogId) => {
      const refused = await post(app, blogId, WIDE_TABLE);
      expectError(refused, 422, 'body_too_complex');
      assert.match(refused.body.error.message, /took more than 0.1 s to render/);
      assert.equal(await refusals(metrics, 'timeout'), 1);

      const next = await post(app, blogId, 'Polls **closed**.');
      assert.equal(next.status, 201, summary(next));
      assert.equal(next.body.entry.html, '<p>Polls <strong>closed</strong>.</p>\n');

      const path = `/api/blogs/${blogId}/entries/${next.body.entry.id}`;
      const edit = await app.call('PATCH', path, { token: app.editorToken, json: { version: 1, body: WIDE_TABLE } });
      expectError(edit, 422, 'body_too_complex');
      assert.equal(await refusals(metrics, 'timeout'), 2);
      const page = await app.call('GET', `/api/blogs/${blogId}`);
      assert.deepEqual(page.body.entries.map((e: { version: number; body: string }) => [e.version, e.body]), [[1, 'Polls **closed**.']]);
    });
  });

  it('when a body kills its worker (out of memory), then it is refused with 422 body_too_complex, counted, and the next body renders', async () => {
    const metrics = createMetrics();
    await withApp({ metrics, heapMb: 32, threads: 1, timeoutMs: 30_000 }, async (app, blogId) => {
      const refused = await post(app, blogId, WIDE_TABLE);
      expectError(refused, 422, 'body_too_complex');
      assert.match(refused.body.error.message, /could not be rendered/);
      assert.equal(await refusals(metrics, 'crashed'), 1);

      const next = await post(app, blogId, 'Polls _closed_.');
      assert.equal(next.status, 201, summary(next));
      assert.equal(next.body.entry.html, '<p>Polls <em>closed</em>.</p>\n');
    });
  });

  it('when bodies wait longer than the queue limit for the one worker, then those writes are refused with 503 store_unavailable, counted, and nothing of theirs is stored', async () => {
    const metrics = createMetrics();
    await withApp({ metrics, threads: 1, queueTimeoutMs: 1_000, timeoutMs: 30_000 }, async (app, blogId) => {
      // the queue limit also covers the worker starting, which can take longer on a loaded machine
      let warm: Reply;
      let attempts = 0;
      do warm = await post(app, blogId, 'warm-up');
      while (warm.status === 503 && (attempts += 1) < 20);
      assert.equal(warm.status, 201, summary(warm));
      const before = await refusals(metrics, 'overloaded');
      // a few hundred ms each, one after the other on one worker: the later ones wait past the limit
      const bodies = Array.from({ length: 24 }, (_, i) => `${LONG_TABLE.slice(0, MAX - 10)}\n\nno. ${i}`);
      const answers = await Promise.all(bodies.map((body) => post(app, blogId, body)));

      const refused = answers.filter((res) => res.status === 503);
      assert.ok(refused.length > 0, `some write waited past the limit: ${answers.map((a) => a.status).join(' ')}`);
      for (const res of refused) expectError(res, 503, 'store_unavailable');
      assert.match(refused[0]!.body.error.message, /nothing was written/);
      assert.ok(answers.every((res) => res.status === 201 || res.status === 503), answers.map(summary).join('\n'));
      assert.equal((await refusals(metrics, 'overloaded')) - before, refused.length);

      const page = await app.call('GET', `/api/blogs/${blogId}?limit=200`);
      const stored = page.body.entries.map((e: { body: string }) => e.body).sort();
      const accepted = answers.flatMap((res, i) => (res.status === 201 ? [bodies[i]] : []));
      assert.deepEqual(stored, ['warm-up', ...accepted].sort(), 'exactly the warm-up and the bodies answered 201 are stored');
    });
  });
});
