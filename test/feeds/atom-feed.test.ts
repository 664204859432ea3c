import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Entry } from '../../shared/index.js';
import { MemoryBus } from '../../server/bus/memory-bus.js';
import { createFeedRouter } from '../../server/feeds/index.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { call, createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { childrenNamed, only, parseXml, XmlError, type XmlElement } from './xml-check.js';

const ATOM_NS = 'http://www.w3.org/2005/Atom';

async function getFeed(baseUrl: string, blogId: string): Promise<{ res: Response; xml: string }> {
  const res = await fetch(`${baseUrl}/blogs/${blogId}/feed.atom`);
  return { res, xml: await res.text() };
}

function linkOf(element: XmlElement, rel: string): string | undefined {
  return childrenNamed(element, 'link').find((l) => l.attributes['rel'] === rel)?.attributes['href'];
}

function entryById(feed: XmlElement, blogUrl: string, entryId: string): XmlElement {
  const found = childrenNamed(feed, 'entry').find((e) => only(e, 'id').text === `${blogUrl}#entry-${entryId}`);
  assert.ok(found, `feed has no entry ${entryId}`);
  return found;
}

describe('the xml checker used by these tests', () => {
  it('when a document is not well-formed, then it is refused', () => {
    const broken = [
      '<a>fish & chips</a>',
      '<a>1 < 2</a>',
      '<a><b></a></b>',
      '<a x=1/>',
      '<a x="1" x="2"/>',
      '<a x="<"/>',
      '<a>&nbsp;</a>',
      '<a>bell \u0007</a>',
      '<a/><b/>',
      '<a>',
    ];
    for (const doc of broken) assert.throws(() => parseXml(doc), XmlError, `accepted ${JSON.stringify(doc)}`);
  });

  it('when a document is well-formed, then its text comes back decoded', () => {
    const root = parseXml('<?xml version="1.0"?>\n<a t="x &amp; y"><b>&lt;p&gt; &#233;&#x263A;</b><c/></a>\n');
    assert.equal(root.attributes['t'], 'x & y');
    assert.equal(only(root, 'b').text, '<p> é☺');
  });
});

describe('Atom feed of a blog', () => {
  let server: TestInstance;
  const blogId = 'feed-storm';
  const title = 'Storm <Halvard> & "the coast" live';
  let blogUrl: string;
  let titled: Entry;
  let untitled: Entry;
  let edited: Entry;
  let image: Entry;
  let quote: Entry;

  before(async () => {
    server = await startInstance();
    blogUrl = `${server.url}/blogs/${blogId}`;
    await createBlog(server.url, server.adminToken, { id: blogId, title, keyPoints: ['Winds > 100 km/h', 'Roads & bridges closed'] });
    const token = server.adminToken;
    for (let i = 0; i < 52; i += 1) await postEntry(server.url, token, blogId, `Filler update number ${i}`);
    titled = (await postEntry(server.url, token, blogId, 'Gusts of **150 km/h** at <b>Kestrel Point</b>', { title: 'Wind <b> & "gusts" > 100', keyEvent: true })).entry;
    untitled = (await postEntry(server.url, token, blogId, 'The coast road between Port Wrenna and Aldmoor is closed by fallen trees tonight, police say.\u0007')).entry;
    image = (await postEntry(server.url, token, blogId, '', {
      kind: 'image',
      media: { url: 'https://media.example.org/wall.jpg?a=1&b=2', caption: 'Waves <break> over the "wall"' },
    })).entry;
    quote = (await postEntry(server.url, token, blogId, 'Leave now & take your neighbours.', { kind: 'quote', attribution: 'Dalia Brandt <coordinator>' })).entry;
    const first = (await postEntry(server.url, token, blogId, 'About 38,000 homes without power')).entry;
    const patch = await call(server.url, 'PATCH', `/api/blogs/${blogId}/entries/${first.id}`, {
      token,
      body: { version: 1, body: 'About 28,000 homes without power', correction: 'We said 38,000 & not 28,000.' },
    });
    assert.equal(patch.status, 200);
    edited = patch.body.entry as Entry;
  });
  after(() => server.close());

  it('when the feed is fetched, then it is well-formed Atom 1.0 with the headers a feed reader needs', async () => {
    const { res, xml } = await getFeed(server.url, blogId);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=15');
    const feed = parseXml(xml);
    assert.equal(feed.name, 'feed');
    assert.equal(feed.attributes['xmlns'], ATOM_NS);
    assert.equal(only(feed, 'id').text, blogUrl);
    assert.equal(only(feed, 'title').text, title);
    assert.equal(only(feed, 'subtitle').text, 'Winds > 100 km/h · Roads & bridges closed');
    assert.equal(linkOf(feed, 'self'), `${blogUrl}/feed.atom`);
    assert.equal(linkOf(feed, 'alternate'), blogUrl);
    assert.equal(only(only(feed, 'author'), 'name').text.length > 0, true);
    assert.equal(only(feed, 'updated').text, edited.updatedAt, 'the feed is as recent as its latest change');
  });

  it('when the blog has more than a page of entries, then the feed holds the latest 50, newest first', async () => {
    const feed = parseXml((await getFeed(server.url, blogId)).xml);
    const entries = childrenNamed(feed, 'entry');
    assert.equal(entries.length, 50);
    assert.equal(only(entries[0] as XmlElement, 'id').text, `${blogUrl}#entry-${edited.id}`);
    const ids = new Set(entries.map((e) => only(e, 'id').text));
    assert.equal(ids.size, 50, 'entry ids are unique');
    for (const entry of entries) {
      for (const name of ['id', 'title', 'published', 'updated', 'author', 'content']) only(entry, name);
      assert.equal(linkOf(entry, 'alternate'), only(entry, 'id').text);
      assert.equal(only(entry, 'content').attributes['type'], 'html');
    }
  });

  it('when titles and bodies hold <, & and quotes, then they are escaped and read back unchanged', async () => {
    const { xml } = await getFeed(server.url, blogId);
    assert.ok(!xml.includes('Wind <b>'), 'a raw tag from a title reached the XML');
    assert.ok(xml.includes('Wind &lt;b&gt; &amp; &quot;gusts&quot; &gt; 100'));
    const feed = parseXml(xml);
    const entry = entryById(feed, blogUrl, titled.id);
    assert.equal(only(entry, 'title').text, 'Wind <b> & "gusts" > 100');
    assert.equal(only(entry, 'content').text, titled.html);
    assert.ok(titled.html.includes('<strong>150 km/h</strong>'));
    assert.ok(!titled.html.includes('<b>'), 'the sanitized html drops raw tags');
    assert.ok(childrenNamed(entry, 'category').some((c) => c.attributes['term'] === 'key-event'));
    assert.equal(only(only(entry, 'author'), 'name').text, 'admin');
    assert.equal(only(entry, 'published').text, titled.createdAt);
  });

  it('when an entry has no subheading, then its title is the first words of the body, without forbidden characters', async () => {
    const { xml } = await getFeed(server.url, blogId);
    assert.ok(untitled.html.includes('\u0007'), 'precondition: the stored html carries the control character');
    assert.ok(!xml.includes('\u0007'), 'a control character reached the XML');
    const feed = parseXml(xml);
    const title = only(entryById(feed, blogUrl, untitled.id), 'title').text;
    assert.ok(title.startsWith('The coast road between Port Wrenna'), title);
    assert.ok(title.endsWith('…'), title);
    assert.ok(title.length <= 91);
  });

  it('when an entry is a photo, a quote or corrected, then its content carries the media, the attribution and the correction', async () => {
    const feed = parseXml((await getFeed(server.url, blogId)).xml);
    const photo = only(entryById(feed, blogUrl, image.id), 'content').text;
    assert.ok(photo.includes('<img src="https://media.example.org/wall.jpg?a=1&amp;b=2" alt="Waves &lt;break&gt; over the &quot;wall&quot;">'), photo);
    assert.equal(only(entryById(feed, blogUrl, image.id), 'title').text, 'Waves <break> over the "wall"');
    const said = entryById(feed, blogUrl, quote.id);
    assert.ok(only(said, 'content').text.includes('<p>— Dalia Brandt &lt;coordinator&gt;</p>'));
    assert.equal(only(said, 'title').text, '“Leave now & take your neighbours.” — Dalia Brandt <coordinator>');
    const fixed = entryById(feed, blogUrl, edited.id);
    assert.ok(only(fixed, 'content').text.includes('Correction: We said 38,000 &amp; not 28,000.'));
    assert.equal(only(fixed, 'updated').text, edited.updatedAt);
    assert.notEqual(only(fixed, 'updated').text, only(fixed, 'published').text);
  });

  it('when the blog does not exist or the id is impossible, then the answer is 404', async () => {
    const unknown = await fetch(`${server.url}/blogs/no-such-blog/feed.atom`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'blog_not_found');
    const impossible = await fetch(`${server.url}/blogs/Not_A_Blog/feed.atom`);
    assert.equal(impossible.status, 404);
  });
});

describe('Atom feed behind a public URL', () => {
  let http: Server;
  let url: string;

  before(async () => {
    const store = new MemoryStore({ bus: new MemoryBus(), logMax: 1_000 });
    const at = '2030-01-01T10:00:00.000Z';
    await store.createBlog({ id: 'empty-blog', title: 'Nothing yet', keyPoints: [], status: 'live', coverageStartTime: at, createdAt: at, updatedAt: at });
    const app = express();
    app.use(createFeedRouter({ store, publicUrl: 'https://news.example/live/' }));
    http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => http.close(() => resolve())));

  it('when PUBLIC_URL is set, then every link uses it, and a blog without entries is still a valid feed', async () => {
    const feed = parseXml((await getFeed(url, 'empty-blog')).xml);
    assert.equal(linkOf(feed, 'self'), 'https://news.example/live/blogs/empty-blog/feed.atom');
    assert.equal(linkOf(feed, 'alternate'), 'https://news.example/live/blogs/empty-blog');
    assert.equal(childrenNamed(feed, 'entry').length, 0);
    assert.equal(only(feed, 'updated').text, '2030-01-01T10:00:00.000Z');
    only(feed, 'author');
  });
});
