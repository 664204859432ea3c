import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { LIMITS, type SubscribeAck } from '../../shared/index.js';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectRaw, subscribeRaw } from '../support/raw-socket.js';
import { openReader } from '../support/test-reader.js';

describe('reader payloads the server must survive', () => {
  let server: TestInstance;

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'payloads', title: 'Payloads' });
  });
  after(() => server.close());

  it('when subscribe payloads are malformed, then each gets an invalid_request ack naming the problem', async () => {
    const socket = await connectRaw(server.url);
    const bad: unknown[] = [
      null,
      42,
      'payloads',
      [],
      {},
      { blogId: 'Not A Slug!' },
      { blogId: 'x'.repeat(65) },
      { blogId: 'payloads', after: -1 },
      { blogId: 'payloads', after: 1.5 },
      { blogId: 'payloads', epoch: 'has spaces', after: 1 },
      { blogId: 'payloads', extra: true },
      { blogId: { $ne: null } },
    ];
    for (const request of bad) {
      const ack = await subscribeRaw(socket, request);
      assert.equal(ack.ok, false, `rejected: ${JSON.stringify(request)}`);
      assert.ok(!ack.ok && ack.error.code === 'invalid_request');
      assert.match(!ack.ok ? ack.error.message : '', /invalid subscribe request/);
    }
    assert.ok(socket.connected, 'bad requests do not cost the connection');
    socket.disconnect();
  });

  it('when subscribe is sent with only an ack function, then the ack says invalid_request instead of never coming', async () => {
    const socket = await connectRaw(server.url);
    // socket.emit('subscribe', ack): the payload IS the ack function
    const ack = (await (socket as unknown as Socket).timeout(5_000).emitWithAck('subscribe')) as SubscribeAck;
    assert.deepEqual(ack, { ok: false, error: { code: 'invalid_request', message: 'invalid subscribe request: (payload)' } });
    assert.ok(socket.connected);
    socket.disconnect();
  });

  it('when a reader subscribes to an unknown blog, then the ack says blog_not_found', async () => {
    const socket = await connectRaw(server.url);
    const ack = await subscribeRaw(socket, { blogId: 'no-such-blog' });
    assert.deepEqual(ack, { ok: false, error: { code: 'blog_not_found', message: 'no blog "no-such-blog"' } });
    socket.disconnect();
  });

  it(`when a socket asks for more than ${LIMITS.subscriptionsPerSocket} blogs, then the next is refused with too_many_subscriptions`, async () => {
    for (let i = 0; i <= LIMITS.subscriptionsPerSocket; i += 1) {
      await createBlog(server.url, server.adminToken, { id: `many-${i}`, title: `Many ${i}` });
    }
    const socket = await connectRaw(server.url);
    for (let i = 0; i < LIMITS.subscriptionsPerSocket; i += 1) {
      const ack = await subscribeRaw(socket, { blogId: `many-${i}` });
      assert.equal(ack.ok, true);
    }
    const refused = await subscribeRaw(socket, { blogId: `many-${LIMITS.subscriptionsPerSocket}` });
    assert.ok(!refused.ok && refused.error.code === 'too_many_subscriptions');
    // Subscribing again to a blog it already holds is a catch-up, not a new subscription.
    const again = await subscribeRaw(socket, { blogId: 'many-0' });
    assert.equal(again.ok, true);
    socket.emit('unsubscribe', { blogId: 'many-0' });
    const afterUnsubscribe = await subscribeRaw(socket, { blogId: `many-${LIMITS.subscriptionsPerSocket}` });
    assert.equal(afterUnsubscribe.ok, true, 'unsubscribing frees a place');
    socket.disconnect();
  });

  it('when readers send garbage frames, unknown events, acks-less requests and oversized messages, then other readers keep receiving', async () => {
    const reader = await openReader(server.url, 'payloads');

    const noAck = await connectRaw(server.url);
    noAck.emit('subscribe', { blogId: 'payloads' } as never, undefined as never);
    (noAck as unknown as Socket).emit('no-such-event', { blogId: 'payloads' });
    noAck.emit('unsubscribe', 'not an object');

    const oversized = await connectRaw(server.url);
    const closed = new Promise<string>((resolve) => oversized.once('disconnect', (reason) => resolve(reason)));
    (oversized as unknown as Socket).emit('subscribe', { blogId: 'payloads', padding: 'x'.repeat(64 * 1024) });
    assert.equal(await closed, 'transport close', 'an oversized message closes only that connection');

    const garbage = await connectRaw(server.url);
    const garbageClosed = new Promise<void>((resolve) => garbage.once('disconnect', () => resolve()));
    // A Socket.IO packet the server cannot decode.
    garbage.io.engine.write('9{not a packet');
    await garbageClosed;

    const posted = await postEntry(server.url, server.adminToken, 'payloads', 'Still flowing');
    await reader.waitForSeq(posted.position.seq);
    assert.ok(reader.state?.entries.has(posted.entry.id));
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    noAck.disconnect();
    await reader.close();
  });
});
