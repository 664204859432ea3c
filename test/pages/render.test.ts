import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Blog, Entry } from '../../shared/index.js';
import {
  blogHeaderHtml,
  entryHeadline,
  entryHtml,
  escapeHtml,
  formatRelative,
  formatUtcTime,
  htmlToText,
  keyEventsHtml,
  liveBlogJsonLd,
  pageSections,
  parseInitialData,
  scriptJson,
  truncateWords,
} from '../../shared/render/index.js';

const NOW = new Date('2025-03-01T15:00:00.000Z');

function blog(over: Partial<Blog> = {}): Blog {
  return {
    id: 'storm',
    title: 'Storm <b>live</b>',
    keyPoints: ['Roads closed & bridges shut'],
    status: 'live',
    coverageStartTime: '2025-03-01T12:00:00.000Z',
    createdAt: '2025-03-01T12:00:00.000Z',
    updatedAt: '2025-03-01T12:00:00.000Z',
    ...over,
  };
}

function entry(over: Partial<Entry> = {}): Entry {
  return {
    id: 'aaaaaa000001',
    blogId: 'storm',
    kind: 'text',
    body: 'Hello',
    html: '<p>Hello <strong>world</strong></p>',
    keyEvent: false,
    pinned: false,
    author: { name: 'Ines <Calloway>' },
    createdAt: '2025-03-01T14:55:00.000Z',
    updatedAt: '2025-03-01T14:55:00.000Z',
    version: 1,
    ...over,
  };
}

describe('shared/render', () => {
  test('when text has markup characters, then escapeHtml neutralises all of them', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  test('when JSON holds "</script>" and line separators, then scriptJson cannot end the block and parses back equal', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!--', c: '\u2028\u2029', d: 'a & b > c' };
    const json = scriptJson(value);
    assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(json), value);
  });

  test('when times are formatted, then they are UTC "HH:MM" and relative phrases', () => {
    assert.equal(formatUtcTime('2025-03-01T04:05:59.000Z'), '04:05');
    assert.equal(formatRelative('2025-03-01T14:59:30.000Z', NOW), 'just now');
    assert.equal(formatRelative('2025-03-01T14:55:00.000Z', NOW), '5 min ago');
    assert.equal(formatRelative('2025-03-01T13:50:00.000Z', NOW), '1 hour ago');
    assert.equal(formatRelative('2025-03-01T10:00:00.000Z', NOW), '5 hours ago');
    assert.equal(formatRelative('2025-02-28T10:00:00.000Z', NOW), 'yesterday');
    assert.equal(formatRelative('2025-02-20T10:00:00.000Z', NOW), '9 days ago');
    assert.equal(formatRelative('2025-03-01T15:00:20.000Z', NOW), 'just now', 'a clock slightly ahead is not "in the future"');
  });

  test('when sanitized HTML is turned into text, then tags go and entities are decoded', () => {
    assert.equal(htmlToText('<p>Polls <strong>close</strong> at 8&nbsp;pm &amp; count</p><ul><li>a</li><li>b</li></ul>'), 'Polls close at 8 pm & count a b');
    assert.equal(truncateWords('The polls have closed in the east', 20), 'The polls have…');
  });

  test('when a text entry is rendered, then it carries the test hooks, permalink, times, author and its html as-is', () => {
    const html = entryHtml(entry(), { now: NOW });
    assert.match(html, /^<article class="entry entry--text" id="entry-aaaaaa000001" data-entry-id="aaaaaa000001" data-version="1"/);
    assert.match(html, /<a class="entry__time" id="entry-aaaaaa000001-time" href="#entry-aaaaaa000001"/);
    assert.match(html, /<time datetime="2025-03-01T14:55:00.000Z">14:55<span class="entry__tz"> UTC<\/span><\/time>/);
    assert.match(html, /data-relative="2025-03-01T14:55:00.000Z">5 min ago</);
    assert.match(html, /<div class="entry__body"><p>Hello <strong>world<\/strong><\/p><\/div>/);
    assert.match(html, /By <span class="entry__author">Ines &lt;Calloway&gt;<\/span>/);
    assert.doesNotMatch(html, /Updated/);
  });

  test('when an entry was edited with a correction, then "Updated HH:MM" and the escaped correction show', () => {
    const html = entryHtml(entry({ version: 3, updatedAt: '2025-03-01T14:58:00.000Z', correction: 'Figure was <wrong>', keyEvent: true, pinned: true }), { now: NOW });
    assert.match(html, /class="entry entry--text is-key-event is-pinned is-updated"/);
    assert.match(html, /data-version="3"/);
    assert.match(html, /Updated <time datetime="2025-03-01T14:58:00.000Z">14:58 UTC<\/time>/);
    assert.match(html, /<strong>Correction:<\/strong> Figure was &lt;wrong&gt;/);
    assert.match(html, /badge--pinned">Pinned</);
    assert.match(html, /badge--key">Key event</);
  });

  test('when quote, image and video entries are rendered, then each has its kind-specific parts', () => {
    const quote = entryHtml(entry({ kind: 'quote', attribution: 'Mayor "Dalia"' }), { now: NOW });
    assert.match(quote, /<blockquote class="entry__quote"><div class="entry__body">.*<\/div><footer class="entry__attribution"><cite>Mayor &quot;Dalia&quot;<\/cite><\/footer><\/blockquote>/);

    const image = entryHtml(entry({ kind: 'image', html: '', media: { url: 'https://img.example/a.jpg?x=1&y=2', caption: 'Harbour "wall"' } }), { now: NOW });
    assert.match(image, /<figure class="entry__media entry__media--image"><img src="https:\/\/img.example\/a.jpg\?x=1&amp;y=2" alt="Harbour &quot;wall&quot;" loading="lazy"/);
    assert.match(image, /<figcaption>Harbour &quot;wall&quot;<\/figcaption>/);
    assert.doesNotMatch(image, /entry__body/, 'an empty body renders no empty box');

    const video = entryHtml(entry({ kind: 'video', media: { url: 'https://v.example/a.mp4', durationSeconds: 94 } }), { now: NOW });
    assert.match(video, /<video controls preload="none" playsinline src="https:\/\/v.example\/a.mp4">/);
    assert.match(video, /<span class="entry__duration">1:34<\/span>/);
  });

  test('when an entry has no title, then its headline is its first words, else the caption or its kind', () => {
    assert.equal(entryHeadline(entry({ title: 'Roads shut' })), 'Roads shut');
    assert.equal(entryHeadline(entry()), 'Hello world');
    assert.equal(entryHeadline(entry({ kind: 'image', html: '', media: { url: 'https://a.example/x.jpg', caption: 'The wall' } })), 'The wall');
    assert.equal(entryHeadline(entry({ kind: 'video', html: '', media: { url: 'https://a.example/x.mp4' } })), 'Video');
  });

  test('when the header is rendered, then status, escaped title, last updated and key points show; ended says so', () => {
    const live = blogHeaderHtml(blog(), { lastUpdated: '2025-03-01T14:58:00.000Z' });
    assert.match(live, /data-status="live"/);
    assert.match(live, /status--live/);
    assert.match(live, /<h1 class="blog-header__title">Storm &lt;b&gt;live&lt;\/b&gt;<\/h1>/);
    assert.match(live, /Last updated <time datetime="2025-03-01T14:58:00.000Z"[^>]*>14:58 UTC<\/time>/);
    assert.match(live, /<li>Roads closed &amp; bridges shut<\/li>/);
    assert.doesNotMatch(live, /has ended/);

    const ended = blogHeaderHtml(blog({ status: 'ended', coverageEndTime: '2025-03-01T18:00:00.000Z' }));
    assert.match(ended, /status--ended">Ended</);
    assert.match(ended, /This live blog has ended \(1 Mar 2025, 18:00 UTC\)/);
  });

  test('when entries are split into sections, then pinned leave the stream, and pinned and key events are newest first', () => {
    const a = entry({ id: 'aaaaaa000001', createdAt: '2025-03-01T13:00:00.000Z', keyEvent: true });
    const b = entry({ id: 'aaaaaa000002', createdAt: '2025-03-01T14:00:00.000Z', pinned: true, keyEvent: true });
    const c = entry({ id: 'aaaaaa000003', createdAt: '2025-03-01T14:30:00.000Z' });
    const old = entry({ id: 'aaaaaa000000', createdAt: '2025-03-01T12:00:00.000Z', pinned: true });
    const { stream, pinned, keyEvents } = pageSections([c, b, a], [old, b]);
    assert.deepEqual(stream.map((e) => e.id), [c.id, a.id]);
    assert.deepEqual(pinned.map((e) => e.id), [b.id, old.id]);
    assert.deepEqual(keyEvents.map((e) => e.id), [b.id, a.id]);
    assert.match(keyEventsHtml(keyEvents), /<a href="#entry-aaaaaa000002" data-entry-link="aaaaaa000002"><time datetime="2025-03-01T14:00:00.000Z">14:00<\/time>/);
    assert.equal(keyEventsHtml([]), '');
  });

  test('when JSON-LD is built, then it is a LiveBlogPosting with updates newest first and coverageEndTime only once ended', () => {
    const a = entry({ id: 'aaaaaa000001', createdAt: '2025-03-01T13:00:00.000Z', updatedAt: '2025-03-01T13:10:00.000Z' });
    const b = entry({ id: 'aaaaaa000002', createdAt: '2025-03-01T14:00:00.000Z', updatedAt: '2025-03-01T14:00:00.000Z', title: 'Bridge shut', html: '<p>It is <em>shut</em>.</p>' });
    const ld = liveBlogJsonLd(blog(), [a, b], 'https://news.example/blogs/storm');
    assert.equal(ld['@type'], 'LiveBlogPosting');
    assert.equal(ld.headline, 'Storm <b>live</b>');
    assert.equal(ld.coverageStartTime, '2025-03-01T12:00:00.000Z');
    assert.equal('coverageEndTime' in ld, false);
    assert.equal(ld.dateModified, '2025-03-01T14:00:00.000Z');
    assert.deepEqual(ld.liveBlogUpdate.map((u) => u.url), ['https://news.example/blogs/storm#entry-aaaaaa000002', 'https://news.example/blogs/storm#entry-aaaaaa000001']);
    assert.deepEqual(ld.liveBlogUpdate[0], {
      '@type': 'BlogPosting',
      headline: 'Bridge shut',
      articleBody: 'It is shut.',
      datePublished: '2025-03-01T14:00:00.000Z',
      dateModified: '2025-03-01T14:00:00.000Z',
      url: 'https://news.example/blogs/storm#entry-aaaaaa000002',
      author: { '@type': 'Person', name: 'Ines <Calloway>' },
    });
    const ended = liveBlogJsonLd(blog({ status: 'ended', coverageEndTime: '2025-03-01T18:00:00.000Z' }), [], 'https://news.example/blogs/storm');
    assert.equal(ended.coverageEndTime, '2025-03-01T18:00:00.000Z');
  });

  test('when the initial data block is read back, then a well-formed one passes and a tampered one is refused', () => {
    const data = { blogId: 'storm', snapshot: { blog: blog(), entries: [entry()], nextCursor: null }, position: { epoch: 'e1', seq: 4 }, extras: [], pageUrl: 'https://x.example/blogs/storm' };
    assert.deepEqual(parseInitialData(JSON.parse(scriptJson(data))), data);
    assert.equal(parseInitialData({ ...data, blogId: 'other' }), undefined);
    assert.equal(parseInitialData({ ...data, position: { epoch: 'e1' } }), undefined);
    assert.equal(parseInitialData({ ...data, extras: [{ id: 1 }] }), undefined);
    assert.equal(parseInitialData(null), undefined);
  });
});
