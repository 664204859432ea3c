import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';

/** A GET with a Host header of our choosing (fetch does not let a test forge it). */
function getWithHost(server: TestInstance, path: string, host: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('absolute links (canonical, og:url, JSON-LD, feed) and the Host header', () => {
  const PUBLIC_URL = 'https://live.example.com';
  let withPublicUrl: TestInstance;
  let withoutPublicUrl: TestInstance;

  before(async () => {
    withPublicUrl = await startInstance({ env: { PUBLIC_URL: `${PUBLIC_URL}/` } });
    withoutPublicUrl = await startInstance();
    for (const server of [withPublicUrl, withoutPublicUrl]) {
      await createBlog(server.url, server.adminToken, { id: 'hosted', title: 'Hosted' });
      await postEntry(server.url, server.adminToken, 'hosted', 'An entry with a permalink');
    }
  });
  after(async () => {
    await withPublicUrl?.close();
    await withoutPublicUrl?.close();
  });

  it('when PUBLIC_URL is set and a request forges its Host, then the page and the feed link only to PUBLIC_URL', async () => {
    for (const path of ['/blogs/hosted', '/blogs/hosted/feed.atom']) {
      const { status, text } = await getWithHost(withPublicUrl, path, 'evil.example');
      assert.equal(status, 200, path);
      assert.ok(!text.includes('evil.example'), `${path} reflects the forged host`);
      assert.ok(text.includes(`${PUBLIC_URL}/blogs/hosted`), `${path} links to PUBLIC_URL`);
    }
    const page = (await getWithHost(withPublicUrl, '/blogs/hosted', 'evil.example')).text;
    assert.match(page, new RegExp(`<link rel="canonical" href="${PUBLIC_URL}/blogs/hosted">`));
    assert.match(page, new RegExp(`<meta property="og:url" content="${PUBLIC_URL}/blogs/hosted">`));
    assert.match(page, new RegExp(`"url":"${PUBLIC_URL}/blogs/hosted"`));
  });

  it('when PUBLIC_URL is unset (development) and the Host is not a plain host name, then neither page nor feed puts it in a link', async () => {
    const forged = 'evil.example"><script>x</script>';
    for (const path of ['/blogs/hosted', '/blogs/hosted/feed.atom']) {
      const { status, text } = await getWithHost(withoutPublicUrl, path, forged);
      assert.equal(status, 200, path);
      assert.ok(!text.includes('evil.example'), `${path} reflects a malformed host`);
      assert.ok(text.includes('http://localhost/blogs/hosted'), `${path} falls back to localhost`);
    }
  });
});
