import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startInstance, type TestInstance } from '../support/instance.js';
import { metricValue } from '../support/metrics.js';

/** Opens an Engine.IO WebSocket as a browser page of `origin` would (or a non-browser client, without one). */
function openWebSocket(baseUrl: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { refused: number }> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** An Engine.IO long-polling handshake: its status and the CORS header it was answered with. */
async function pollingHandshake(baseUrl: string, headers: Record<string, string> = {}): Promise<{ status: number; allowOrigin: string | null }> {
  const res = await fetch(`${baseUrl}/socket.io/?EIO=4&transport=polling`, { headers });
  await res.text();
  return { status: res.status, allowOrigin: res.headers.get('access-control-allow-origin') };
}

const rejected = (server: TestInstance, reason: string): Promise<number> =>
  metricValue(server.application.metrics.registry, 'liveblog_socket_events_rejected_total', { reason });

describe('reader origins', () => {
  describe('without READER_ORIGINS', () => {
    let server: TestInstance;
    before(async () => {
      server = await startInstance();
    });
    after(() => server.close());

    it('when a page of any origin connects, then WebSocket and long-polling are both open to it (CORS included)', async () => {
      const opened = await openWebSocket(server.url, { origin: 'https://elsewhere.example' });
      assert.ok('ws' in opened, 'WebSocket from another origin');
      opened.ws.close();
      const polling = await pollingHandshake(server.url, { origin: 'https://elsewhere.example' });
      assert.equal(polling.status, 200);
      assert.equal(polling.allowOrigin, '*', "the page may read the answers of a long-polling reader");
    });
  });

  describe('with READER_ORIGINS=https://news.example', () => {
    let server: TestInstance;
    before(async () => {
      server = await startInstance({ env: { READER_ORIGINS: 'https://news.example' } });
    });
    after(() => server.close());

    it('when a page of a listed origin connects, then it is admitted on both transports', async () => {
      const opened = await openWebSocket(server.url, { origin: 'https://news.example' });
      assert.ok('ws' in opened);
      opened.ws.close();
      const polling = await pollingHandshake(server.url, { origin: 'https://news.example' });
      assert.equal(polling.status, 200);
      assert.equal(polling.allowOrigin, 'https://news.example');
    });

    it('when a page of another origin connects, then the handshake is refused on both transports and counted', async () => {
      const before = await rejected(server, 'origin');
      const opened = await openWebSocket(server.url, { origin: 'https://elsewhere.example' });
      assert.deepEqual(opened, { refused: 400 }, 'Engine.IO answers a refused upgrade 400');
      const polling = await pollingHandshake(server.url, { origin: 'https://elsewhere.example' });
      assert.equal(polling.status, 403);
      assert.equal(polling.allowOrigin, null);
      assert.equal(await rejected(server, 'origin'), before + 2);
    });

    it("when a client sends no Origin (not a browser) or the page is the service's own, then it is admitted", async () => {
      const bare = await openWebSocket(server.url);
      assert.ok('ws' in bare, 'no Origin header');
      bare.ws.close();
      const own = await openWebSocket(server.url, { origin: server.url });
      assert.ok('ws' in own, "the service's own pages (same host)");
      own.ws.close();
    });
  });
});

describe('MAX_CONNECTIONS_PER_IP=2 (per instance)', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance({ env: { MAX_CONNECTIONS_PER_IP: '2' } });
  });
  after(() => server.close());

  it('when an address opens a third connection, then it is refused until one of the first two closes', async () => {
    const before = await rejected(server, 'connection_limit');
    const first = await openWebSocket(server.url);
    const second = await openWebSocket(server.url);
    assert.ok('ws' in first && 'ws' in second);
    assert.deepEqual(await openWebSocket(server.url), { refused: 400 });
    assert.equal((await pollingHandshake(server.url)).status, 403, 'long-polling counts against the same cap');
    assert.equal(await rejected(server, 'connection_limit'), before + 2);

    const closed = new Promise((resolve) => first.ws.once('close', resolve));
    first.ws.close();
    await closed;
    // the server notices the close a moment after the client
    let again = await openWebSocket(server.url);
    for (let tries = 0; 'refused' in again && tries < 20; tries += 1) {
      await new Promise((r) => setTimeout(r, 50));
      again = await openWebSocket(server.url);
    }
    assert.ok('ws' in again, 'a place was freed');
    again.ws.close();
    second.ws.close();
  });
});

describe('MAX_CONNECTIONS_PER_IP=1 behind a proxy (TRUST_PROXY=true)', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance({ env: { MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: 'true' } });
  });
  after(() => server.close());

  it('when readers come through the same proxy, then each is counted under the address it forwards', async () => {
    const a = await openWebSocket(server.url, { 'x-forwarded-for': '203.0.113.7, 10.0.0.2' });
    assert.ok('ws' in a);
    const b = await openWebSocket(server.url, { 'x-forwarded-for': '198.51.100.4, 10.0.0.2' });
    assert.ok('ws' in b, 'another client behind the same proxy');
    assert.deepEqual(await openWebSocket(server.url, { 'x-forwarded-for': '203.0.113.7, 10.0.0.3' }), { refused: 400 });
    a.ws.close();
    b.ws.close();
  });
});
