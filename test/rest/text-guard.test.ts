import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiErrorBody } from '../../shared/index.js';
import { createBlog } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

describe('text that cannot be stored: invalid UTF-8, NUL, lone surrogates', () => {
  let server: TestInstance;

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'text', title: 'Text' });
  });
  after(() => server?.close());

  async function send(path: string, body: Buffer | string, method = 'POST'): Promise<{ status: number; issues: { path: string; message: string }[]; message: string }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const parsed = ApiErrorBody.safeParse(await res.json());
    const details = parsed.success ? (parsed.data.error.details as { issues?: { path: string; message: string }[] } | undefined) : undefined;
    return { status: res.status, issues: details?.issues ?? [], message: parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : '' };
  }

  async function entryCount(): Promise<number> {
    const res = await fetch(`${server.url}/api/blogs/text?limit=200`);
    return ((await res.json()) as { entries: unknown[] }).entries.length;
  }

  it('when a body carries bytes that are not UTF-8, then 400 validation_failed names the field, and nothing is stored', async () => {
    const before = await entryCount();
    const raw = Buffer.concat([Buffer.from('{"title":"ok","body":"Caf'), Buffer.from([0xe9]), Buffer.from(' au lait"}')]);
    const res = await send('/api/blogs/text/entries', raw);
    assert.equal(res.status, 400);
    assert.match(res.message, /^validation_failed: invalid body: body: must be valid UTF-8$/);
    assert.deepEqual(res.issues, [{ path: 'body', message: 'must be valid UTF-8' }]);
    assert.equal(await entryCount(), before);
  });

  it('when a string carries a NUL or a lone surrogate, then 400 validation_failed names the field, and nothing is stored', async () => {
    const before = await entryCount();
    const nulTitle = await send('/api/blogs/text/entries', '{"title":"a\\u0000b","body":"fine"}');
    assert.equal(nulTitle.status, 400);
    assert.deepEqual(nulTitle.issues, [{ path: 'title', message: 'must not contain NUL characters' }]);
    const nulBody = await send('/api/blogs/text/entries', '{"body":"x\\u0000"}');
    assert.deepEqual(nulBody.issues, [{ path: 'body', message: 'must not contain NUL characters' }]);
    const surrogate = await send('/api/blogs/text', '{"keyPoints":["fine","\\ud800 alone"]}', 'PATCH');
    assert.equal(surrogate.status, 400);
    assert.deepEqual(surrogate.issues, [{ path: 'keyPoints.1', message: 'must be valid Unicode text (no lone surrogates)' }]);
    const deep = await send('/api/blogs/text/entries', JSON.stringify({ body: 'ok', media: { url: 'https://x.example/a.jpg', caption: 'c\u0000' } }));
    assert.deepEqual(deep.issues, [{ path: 'media.caption', message: 'must not contain NUL characters' }]);
    assert.equal(await entryCount(), before);
  });

  it('when a pair of surrogates is a real character (an emoji), then it is stored as sent', async () => {
    const res = await fetch(`${server.url}/api/blogs/text/entries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: '{"body":"Polls closed \\ud83d\\uddf3 and counted"}',
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { entry: { body: string } }).entry.body, 'Polls closed 🗳 and counted');
  });

  it('when an API query string carries bytes that are not UTF-8 or a NUL, then 400 validation_failed names the parameter', async () => {
    for (const [query, message] of [
      ['?cursor=%FF', 'must be valid UTF-8'],
      ['?epoch=a%00b', 'must not contain NUL characters'],
      ['?cursor=%ED%A0%80', 'must be valid UTF-8'],
    ] as const) {
      const res = await fetch(`${server.url}/api/blogs/text${query}`);
      assert.equal(res.status, 400, query);
      const body = ApiErrorBody.parse(await res.json());
      assert.equal(body.error.code, 'validation_failed');
      assert.deepEqual((body.error.details as { issues: unknown }).issues, [{ path: query.slice(1).split('=')[0], message }]);
    }
  });

  it('when a body is nested thousands of levels deep, then it is refused without overflowing the stack', async () => {
    const depth = 100_000;
    const res = await send('/api/blogs/text/entries', `${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`);
    assert.equal(res.status, 400, res.message);
    assert.match(res.message, /^validation_failed: invalid body: 0[0.]+…: must not contain NUL characters$/);
    assert.ok(res.message.length < 300, 'the path named is cut short');
  });
});
