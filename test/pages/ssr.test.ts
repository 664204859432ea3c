import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGE_CSP, PAGE_ENTRIES } from '../../server/pages/index.js';
import { INITIAL_DATA_ID, type InitialPageData, type LiveBlogPostingLd } from '../../shared/render/index.js';
import { call, createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

async function page(url: string): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** The text of `<script ...attrs>` blocks whose opening tag matches `attrs`. */
function scriptBlock(html: string, attrs: RegExp): string {
  for (const match of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (attrs.test(match[1] ?? '')) return match[2] ?? '';
  }
  throw new Error(`no <script> with ${attrs}`);
}

function initialData(html: string): InitialPageData {
  return JSON.parse(scriptBlock(html, new RegExp(`id="${INITIAL_DATA_ID}"`))) as InitialPageData;
}

function jsonLd(html: string): LiveBlogPostingLd {
  return JSON.parse(scriptBlock(html, /type="application\/ld\+json"/)) as LiveBlogPostingLd;
}

/** Entry ids in the stream, in page order. */
function streamIds(html: string): string[] {
  const stream = html.slice(html.indexOf('id="lb-stream"'), html.indexOf('id="lb-pager"'));
  return [...stream.matchAll(/data-entry-id="([a-z0-9]+)"/g)].map((m) => m[1] ?? '');
}

describe('server-rendered reader pages', () => {
  let instance: TestInstance;
  let token: string;

  before(async () => {
    instance = await startInstance();
    token = instance.adminToken;
  });

  after(() => instance.close());

  test('when a blog page is requested, then the HTML holds the header, the entries newest first and the exact position', async () => {
    await createBlog(instance.url, token, { id: 'ssr-basic', title: 'Election night', keyPoints: ['Polls close at 8pm', 'Count starts at 10pm'] });
    const first = await postEntry(instance.url, token, 'ssr-basic', 'Polls are **open**', { title: 'Polls open' });
    const second = await postEntry(instance.url, token, 'ssr-basic', 'Turnout is high', { keyEvent: true });

    const { status, html, headers } = await page(`${instance.url}/blogs/ssr-basic`);
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html, /<h1 class="blog-header__title">Election night<\/h1>/);
    assert.match(html, /<li>Polls close at 8pm<\/li><li>Count starts at 10pm<\/li>/);
    assert.match(html, /status--live/);
    assert.match(html, /Last updated <time datetime="[^"]+"[^>]*>\d\d:\d\d UTC<\/time>/);
    assert.deepEqual(streamIds(html), [second.entry.id, first.entry.id]);
    assert.match(html, /<p>Polls are <strong>open<\/strong><\/p>/);
    assert.match(html, new RegExp(`data-entry-id="${first.entry.id}" data-version="1"`));
    assert.match(html, new RegExp(`<nav class="key-events" id="lb-key-events"[^>]*><h2[^>]*>Key events</h2><ol class="key-events__list"><li><a href="#entry-${second.entry.id}"`));
    assert.match(html, /<span class="connection" data-testid="connection" data-state="[a-z-]+"/);
    assert.match(html, /aria-live="polite"/);

    const data = initialData(html);
    const api = await call(instance.url, 'GET', '/api/blogs/ssr-basic');
    assert.deepEqual(data.position, api.body.position, 'the page carries the position it was rendered at');
    assert.deepEqual(data.position, second.position);
    assert.deepEqual(data.snapshot.entries.map((e) => e.id), [second.entry.id, first.entry.id]);
    assert.equal(data.blogId, 'ssr-basic');
  });

  test('when a page is served, then it has a strict CSP, no-cache, canonical, feed link, Open Graph and a same-origin script', async () => {
    await createBlog(instance.url, token, { id: 'ssr-head', title: 'Head checks' });
    const { headers, html } = await page(`${instance.url}/blogs/ssr-head`);
    assert.equal(headers.get('content-security-policy'), PAGE_CSP);
    assert.match(PAGE_CSP, /script-src 'self'(;|$)/);
    assert.match(PAGE_CSP, /img-src [^;]*https: data:/);
    assert.match(PAGE_CSP, /media-src https:/);
    assert.match(PAGE_CSP, /connect-src 'self'/);
    assert.equal(headers.get('cache-control'), 'no-cache');
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
    assert.match(html, new RegExp(`<link rel="canonical" href="${instance.url}/blogs/ssr-head">`));
    assert.match(html, /<link rel="alternate" type="application\/atom\+xml" title="Head checks \(Atom feed\)" href="\/blogs\/ssr-head\/feed.atom">/);
    assert.match(html, /<meta property="og:title" content="Head checks">/);
    assert.match(html, /<meta name="description" content="[^"]+">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<title>Live: Head checks<\/title>/);
    // the only executable script is an external, same-origin file
    const executable = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? '').filter((attrs) => !/type="application\/(ld\+)?json"/.test(attrs));
    for (const attrs of executable) assert.match(attrs, /^ defer src="\/assets\/reader-[A-Z0-9]+\.js"$/);
  });

  test('when the JSON-LD is read, then it is a valid LiveBlogPosting whose coverageEndTime appears only once the blog ended', async () => {
    await createBlog(instance.url, token, { id: 'ssr-ld', title: 'Structured </script> data' });
    const a = await postEntry(instance.url, token, 'ssr-ld', 'First <words> here', { title: 'Opening' });
    const b = await postEntry(instance.url, token, 'ssr-ld', 'Second update', {});

    const live = jsonLd((await page(`${instance.url}/blogs/ssr-ld`)).html);
    assert.equal(live['@context'], 'https://schema.org');
    assert.equal(live['@type'], 'LiveBlogPosting');
    assert.equal(live.headline, 'Structured </script> data');
    assert.equal(typeof live.coverageStartTime, 'string');
    assert.equal(live.coverageEndTime, undefined);
    assert.deepEqual(live.liveBlogUpdate.map((u) => u.url), [`${instance.url}/blogs/ssr-ld#entry-${b.entry.id}`, `${instance.url}/blogs/ssr-ld#entry-${a.entry.id}`]);
    const update = live.liveBlogUpdate[1];
    assert.equal(update?.['@type'], 'BlogPosting');
    assert.equal(update?.headline, 'Opening');
    assert.equal(update?.articleBody, 'First here');
    assert.equal(update?.datePublished, a.entry.createdAt);
    assert.equal(live.liveBlogUpdate[0]?.headline, 'Second update');

    const ended = await call(instance.url, 'PATCH', '/api/blogs/ssr-ld', { token, body: { status: 'ended' } });
    assert.equal(ended.status, 200);
    const { html } = await page(`${instance.url}/blogs/ssr-ld`);
    const endedLd = jsonLd(html);
    assert.equal(endedLd.coverageEndTime, ended.body.blog.coverageEndTime);
    assert.match(html, /This live blog has ended/);
    assert.match(html, /<title>Structured &lt;\/script&gt; data<\/title>/);
  });

  test('when a blog is unknown or its id malformed, then an HTML 404 page answers', async () => {
    for (const path of ['/blogs/no-such-blog', '/blogs/Not_A_Slug', '/blogs/%E0%A4%A']) {
      const { status, html, headers } = await page(`${instance.url}${path}`);
      assert.equal(status, path.includes('%E0') ? 400 : 404, path);
      assert.match(headers.get('content-type') ?? '', /^text\/html|^application\/json/, path);
      if (status === 404) {
        assert.match(html, /Page not found/);
        assert.equal(headers.get('content-security-policy'), PAGE_CSP);
      }
    }
  });

  test('when there are more entries than a page, then "Load older" is a real ?cursor= link that pages back without JavaScript', async () => {
    await createBlog(instance.url, token, { id: 'ssr-paging', title: 'Paging' });
    const posted: string[] = [];
    for (let i = 0; i < PAGE_ENTRIES + 5; i += 1) posted.push((await postEntry(instance.url, token, 'ssr-paging', `Update number ${i}`)).entry.id);
    const newestFirst = [...posted].reverse();

    const first = await page(`${instance.url}/blogs/ssr-paging`);
    assert.deepEqual(streamIds(first.html), newestFirst.slice(0, PAGE_ENTRIES));
    const link = /<a class="load-older" data-testid="load-older" rel="next" href="([^"]+)">/.exec(first.html)?.[1];
    assert.ok(link, 'a Load older link');
    assert.match(link, /^\/blogs\/ssr-paging\?cursor=\d+$/);

    const older = await page(`${instance.url}${link.replaceAll('&amp;', '&')}`);
    assert.equal(older.status, 200);
    assert.deepEqual(streamIds(older.html), newestFirst.slice(PAGE_ENTRIES));
    assert.match(older.html, /You have reached the start of this live blog/);
    assert.match(older.html, /Back to the latest/);
    assert.doesNotMatch(older.html, new RegExp(`id="${INITIAL_DATA_ID}"`), 'an older page is not kept live');

    const bad = await page(`${instance.url}/blogs/ssr-paging?cursor=abc`);
    assert.equal(bad.status, 400);
  });

  test('when a pinned entry is older than the rendered page, then it still shows in the pinned card and the key events', async () => {
    await createBlog(instance.url, token, { id: 'ssr-pinned', title: 'Pinned' });
    const summary = await postEntry(instance.url, token, 'ssr-pinned', 'What we know', { title: 'Summary', pinned: true, keyEvent: true });
    for (let i = 0; i < PAGE_ENTRIES + 2; i += 1) await postEntry(instance.url, token, 'ssr-pinned', `Later ${i}`);
    const { html } = await page(`${instance.url}/blogs/ssr-pinned`);
    const pinned = html.slice(html.indexOf('id="lb-pinned"'), html.indexOf('id="lb-stream"'));
    assert.match(pinned, new RegExp(`data-entry-id="${summary.entry.id}"`));
    assert.equal(streamIds(html).includes(summary.entry.id), false, 'shown once, above the stream');
    assert.match(html, new RegExp(`href="#entry-${summary.entry.id}"`));
    assert.deepEqual(initialData(html).extras.map((e) => e.id), [summary.entry.id]);
  });

  test('when / is requested, then live blogs come first, then ended ones, with links', async () => {
    await createBlog(instance.url, token, { id: 'home-ended', title: 'Finished story' });
    await call(instance.url, 'PATCH', '/api/blogs/home-ended', { token, body: { status: 'ended' } });
    await createBlog(instance.url, token, { id: 'home-live', title: 'Running story' });
    const { status, html, headers } = await page(`${instance.url}/`);
    assert.equal(status, 200);
    assert.equal(headers.get('content-security-policy'), PAGE_CSP);
    const order = [...html.matchAll(/<li class="blog-card" data-blog-id="([a-z0-9-]+)" data-status="(live|ended)"/g)].map((m) => m[2]);
    assert.ok(order.length >= 2);
    assert.deepEqual(order, [...order].sort((a, b) => (a === b ? 0 : a === 'live' ? -1 : 1)), 'live before ended');
    assert.match(html, /<a href="\/blogs\/home-live">Running story<\/a>/);
    assert.match(html, /<a href="\/blogs\/home-ended">Finished story<\/a>/);
  });

  test('when entry bodies and fields carry XSS payloads, then the page has no script, no handler and no javascript: URL of theirs', async () => {
    await createBlog(instance.url, token, { id: 'ssr-xss', title: '<script>alert(1)</script>', keyPoints: ['<img src=x onerror=alert(1)>'] });
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '[click](javascript:alert(1))',
      '<a href="javascript:alert(1)">a</a>',
      '<svg onload=alert(1)>',
      '<iframe src="javascript:alert(1)"></iframe>',
      '<a href="&#106;avascript:alert(1)">x</a>',
      '"><script>alert(1)</script>',
      '<details open ontoggle=alert(1)>',
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    ];
    for (const body of payloads) {
      await postEntry(instance.url, token, 'ssr-xss', body, { title: '<script>alert(1)</script>' });
    }
    await postEntry(instance.url, token, 'ssr-xss', 'quote', { kind: 'quote', attribution: '"><svg onload=alert(1)>' });
    await postEntry(instance.url, token, 'ssr-xss', '', { kind: 'image', media: { url: 'https://img.example/a.jpg?"><script>alert(1)</script>', caption: '" onerror="alert(1)' } });

    const { html } = await page(`${instance.url}/blogs/ssr-xss`);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1] ?? '');
    assert.equal(scripts.length, 3, 'the bundle, the JSON-LD and the initial data; nothing else');
    const body = html.slice(html.indexOf('<body'));
    const outsideData = body.replace(/<script type="application\/(ld\+)?json"[^>]*>[\s\S]*?<\/script>/g, '');
    assert.doesNotMatch(outsideData, /<script(?! defer src="\/assets\/)/i);
    // attribute values are quoted and escaped by the renderer; what is left of a tag without them are its names
    const tags = [...outsideData.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0].replace(/"[^"]*"|'[^']*'/g, '""'));
    for (const tag of tags) assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `no event handler attribute: ${tag}`);
    assert.doesNotMatch(outsideData, /(href|src|action)\s*=\s*["']?\s*javascript:/i);
    assert.doesNotMatch(outsideData, /<(iframe|svg|math|object|embed|style|details)\b/i);
  });
});
