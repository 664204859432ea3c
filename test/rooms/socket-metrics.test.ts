import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { readerDisconnectReason } from '../../server/rooms/index.js';
import { LIMITS, type SubscribeAck } from '../../shared/index.js';
import { createBlog, postEntry } from '../support/api.js';
import { eventually } from '../support/eventually.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { countsBy } from '../support/metrics.js';
import { connectRaw, subscribeRaw, type RawSocket } from '../support/raw-socket.js';
import { openRawPolling } from '../support/raw-polling.js';

function disconnected(socket: RawSocket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

describe('socket metrics: rejected requests and disconnects by reason', () => {
  let server: TestInstance;
  const rejections = (): Promise<Record<string, number>> =>
    countsBy(server.application.metrics.registry, 'liveblog_socket_events_rejected_total', 'reason');
  const disconnects = (): Promise<Record<string, number>> =>
    countsBy(server.application.metrics.registry, 'liveblog_reader_disconnects_total', 'reason');

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'counted', title: 'Counted' });
  });
  after(() => server.close());

  it('when requests are malformed, come without an ack, or hold too many blogs, then each is counted by reason', async () => {
    const before = await rejections();
    const socket = await connectRaw(server.url);
    for (const bad of [null, { blogId: 'Not A Slug!' }, { blogId: 'counted', after: -1 }]) {
      const ack = await subscribeRaw(socket, bad);
      assert.ok(!ack.ok && ack.error.code === 'invalid_request');
    }
    // an ack without a request: the payload IS the ack function
    const ackOnly = (await (socket as unknown as Socket).timeout(5_000).emitWithAck('subscribe')) as SubscribeAck;
    assert.ok(!ackOnly.ok && ackOnly.error.code === 'invalid_request', 'answered, not left waiting');
    socket.emit('unsubscribe', 'not an object' as never);
    socket.emit('subscribe', { blogId: 'counted' } as never, undefined as never);

    for (let i = 0; i <= LIMITS.subscriptionsPerSocket; i += 1) {
      await createBlog(server.url, server.adminToken, { id: `held-${i}`, title: `Held ${i}` });
    }
    for (let i = 0; i < LIMITS.subscriptionsPerSocket; i += 1) assert.ok((await subscribeRaw(socket, { blogId: `held-${i}` })).ok);
    const refused = await subscribeRaw(socket, { blogId: `held-${LIMITS.subscriptionsPerSocket}` });
    assert.ok(!refused.ok && refused.error.code === 'too_many_subscriptions');

    await eventually(async () => (await rejections()).no_ack === before.no_ack! + 1, 'the request without an ack was counted');
    const after = await rejections();
    assert.equal(after.invalid_request! - before.invalid_request!, 5, 'three malformed subscribes, one ack-only, one malformed unsubscribe');
    assert.equal(after.no_ack! - before.no_ack!, 1);
    assert.equal(after.too_many_subscriptions! - before.too_many_subscriptions!, 1);
    socket.disconnect();
  });

  it('when a socket sends more requests at once than its queue holds, then the overflow is refused and counted', async () => {
    const before = await rejections();
    // One long-polling POST carries all 60 requests: the server takes them in one go, as it
    // would a burst, whatever the machine's load.
    const reader = await openRawPolling(server.url);
    const requests = Array.from({ length: 60 }, (_, id) => `42${id}["subscribe",{"blogId":"counted"}]`);
    assert.equal(await reader.send(...requests), 200);
    const acks = new Map<number, SubscribeAck>();
    while (acks.size < requests.length) {
      const { status, packets } = await reader.poll();
      assert.equal(status, 200);
      for (const packet of packets) {
        const ack = /^43(\d+)\[(.*)\]$/s.exec(packet);
        if (ack !== null) acks.set(Number(ack[1]), JSON.parse(ack[2]!) as SubscribeAck);
      }
    }
    const limited = [...acks.values()].filter((ack) => !ack.ok && ack.error.code === 'rate_limited').length;
    assert.ok(limited > 0, 'some of 60 requests sent at once were over the 32 a socket may have waiting');
    assert.equal((await rejections()).queue_full! - before.queue_full!, limited);
    await reader.send('1'); // Engine.IO's close
  });

  it('when readers leave, break the protocol, or are let go by the instance, then each disconnect is counted by its reason', async () => {
    // the readers of earlier tests are gone, and counted
    await eventually(async () => server.application.io.engine.clientsCount === 0, 'no reader is connected');
    const before = await disconnects();
    const rejectedBefore = await rejections();

    const leaves = await connectRaw(server.url);
    leaves.disconnect();

    const drops = await connectRaw(server.url);
    const dropped = disconnected(drops);
    // the connection goes without Socket.IO's goodbye, as when a tab closes
    drops.io.engine.close();
    await dropped;

    const oversized = await connectRaw(server.url);
    const tooBig = disconnected(oversized);
    (oversized as unknown as Socket).emit('subscribe', { blogId: 'counted', padding: 'x'.repeat(64 * 1024) });
    await tooBig;

    const garbage = await connectRaw(server.url);
    const undecodable = disconnected(garbage);
    garbage.io.engine.write('9{not a packet');
    await undecodable;

    const letGo = await connectRaw(server.url);
    const wasLetGo = disconnected(letGo);
    server.application.io.sockets.sockets.get(letGo.id!)!.disconnect(true);
    assert.equal(await wasLetGo, 'io server disconnect');

    await eventually(async () => {
      const now = await disconnects();
      return Object.keys(now).reduce((sum, reason) => sum + now[reason]! - (before[reason] ?? 0), 0) >= 5;
    }, 'five disconnects were counted');
    const now = await disconnects();
    const delta = Object.fromEntries(Object.keys(now).map((reason) => [reason, now[reason]! - (before[reason] ?? 0)]));
    assert.deepEqual(delta, { client: 1, heartbeat: 0, transport: 1, slow_reader: 0, limit: 2, shutdown: 0, server: 1 });
    assert.equal((await rejections()).oversized! - rejectedBefore.oversized!, 1, 'the oversized message is a rejected event too');
  });

  it('when an entry is broadcast to a WebSocket and a long-polling reader, then each delivery is counted by its path', async () => {
    const deliveries = (): Promise<Record<string, number>> =>
      countsBy(server.application.metrics.registry, 'liveblog_deliveries_total', 'path');
    const onWebSocket = await connectRaw(server.url);
    assert.ok((await subscribeRaw(onWebSocket, { blogId: 'counted' })).ok);
    const onPolling = await openRawPolling(server.url);
    assert.equal(await onPolling.send('420["subscribe",{"blogId":"counted"}]'), 200);
    await onPolling.poll();
    const before = await deliveries();
    const arrived = new Promise((resolve) => onWebSocket.once('update', resolve));
    await postEntry(server.url, server.adminToken, 'counted', 'Counted once per reader');
    await arrived;
    const after = await deliveries();
    // a reader-count broadcast may go to both readers meanwhile: each path counts the same
    const direct = after.direct! - before.direct!;
    assert.ok(direct >= 1, 'the WebSocket reader got the entry as a direct frame');
    assert.equal(after.engine! - before.engine!, direct, 'the long-polling reader got as many through Engine.IO');
    onWebSocket.disconnect();
    await onPolling.send('1');
  });

  it('when the instance shuts down, then its readers are counted as disconnected by the shutdown', async () => {
    const closing = await startInstance();
    const readers = [await connectRaw(closing.url), await connectRaw(closing.url)];
    const gone = readers.map(disconnected);
    await closing.close();
    assert.deepEqual(await Promise.all(gone), ['io server disconnect', 'io server disconnect']);
    const counted = await countsBy(closing.application.metrics.registry, 'liveblog_reader_disconnects_total', 'reason');
    assert.equal(counted.shutdown, 2);
    assert.equal(counted.server, 0);
  });

  it("when Socket.IO reports each of its reasons, then it maps onto the metric's closed set", () => {
    const plain = { cut: false, brokeProtocol: false, shuttingDown: false };
    const cases: Array<[string, unknown, typeof plain, string]> = [
      ['client namespace disconnect', undefined, plain, 'client'],
      ['ping timeout', undefined, plain, 'heartbeat'],
      ['transport close', undefined, plain, 'transport'],
      ['transport error', new Error('Error: read ECONNRESET'), plain, 'transport'],
      ['transport error', new Error('RangeError: Max payload size exceeded'), plain, 'limit'],
      ['parse error', undefined, plain, 'limit'],
      ['forced close', undefined, { ...plain, brokeProtocol: true }, 'limit'],
      ['forced close', undefined, { ...plain, cut: true }, 'slow_reader'],
      ['forced close', undefined, plain, 'server'],
      ['server namespace disconnect', undefined, plain, 'server'],
      ['server namespace disconnect', undefined, { ...plain, shuttingDown: true }, 'shutdown'],
      ['server shutting down', undefined, plain, 'shutdown'],
      ['forced server close', undefined, plain, 'server'],
    ];
    for (const [reason, description, context, expected] of cases) {
      assert.equal(readerDisconnectReason(reason, description, context), expected, `${reason} (${JSON.stringify(context)})`);
    }
  });
});
