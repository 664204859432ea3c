import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ws from 'ws';
import { FrameAdapter, textFrame } from '../../server/rooms/index.js';
import { createBlog, postEntry } from '../support/api.js';
import { assertAppliedInOrderOnce, assertNoDuplicateDeliveries } from '../support/delivery.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { connectRaw, subscribeRaw, type RawSocket } from '../support/raw-socket.js';
import { openReader, type TestReader } from '../support/test-reader.js';

/** ws's frame parser: exported at runtime (`WebSocket.Receiver`), missing from its types. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver };

/** What a WebSocket client makes of one frame: the text of the message it holds. */
function parseFrame(frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) reject(new Error('binary frame'));
      else resolve(data.toString('utf8'));
    });
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('a room broadcast framed once for every reader', () => {
  it('when payloads need each of the three length forms, then a WebSocket client reads the exact text', async () => {
    const texts = [0, 1, 125, 126, 65_535, 65_536].map((n) => 'x'.repeat(n)).concat('é'.repeat(40_000));
    for (const text of texts) {
      const payload = Buffer.from(text);
      const frame = textFrame(payload);
      assert.equal(frame[0], 0x81, 'a final text frame');
      assert.equal(frame[1]! & 0x80, 0, 'server frames are not masked');
      assert.equal(await parseFrame(frame), text, `payload of ${payload.length} bytes`);
    }
  });

  describe('readers on every transport', () => {
    let redis: TestRedis;
    let server: TestInstance;

    before(async () => {
      redis = await startRedis();
      server = await startInstance({ redisUrl: redis.url });
    });
    after(async () => {
      await server.close();
      await redis.close();
    });

    it('when readers on long-polling, WebSocket and a polling-to-WebSocket upgrade join while entries are posted, then each gets every entry once and in order', async () => {
      await createBlog(server.url, server.adminToken, { id: 'mixed-transports', title: 'Mixed transports' });
      const adapter = server.application.io.of('/').adapter as FrameAdapter;
      const before = { ...adapter.deliveries };
      const posted: string[] = [];
      // each reader with the number of entries already posted when it joined (those are in its snapshot)
      const readers: Array<{ reader: TestReader; joinedAt: number }> = [];
      const kinds: Array<Array<'websocket' | 'polling'>> = [['polling'], ['websocket'], ['polling', 'websocket']];
      for (let i = 0; i < 24; i += 1) {
        if (i % 4 === 0) {
          const reader = await openReader(server.url, 'mixed-transports', { transports: kinds[(i / 4) % 3]! });
          readers.push({ reader, joinedAt: i });
        }
        posted.push((await postEntry(server.url, server.adminToken, 'mixed-transports', `Update ${i}`)).entry.id);
      }
      const last = await postEntry(server.url, server.adminToken, 'mixed-transports', 'Final update');
      posted.push(last.entry.id);

      for (const { reader, joinedAt } of readers) {
        await reader.waitForSeq(last.position.seq, 10_000);
        assertAppliedInOrderOnce(reader.applied, posted.slice(joinedAt));
        assertNoDuplicateDeliveries(reader.received);
        assert.equal(reader.state?.entries.size, posted.length);
        assert.deepEqual(reader.problems, []);
      }
      const onWebSocket = readers.filter(({ reader }) => reader.socket.io.engine.transport.name === 'websocket').length;
      assert.ok(onWebSocket >= 4, `WebSocket and upgraded readers are on WebSocket (${onWebSocket} of ${readers.length})`);
      assert.ok(adapter.deliveries.direct > before.direct, 'WebSocket readers got frames written directly');
      assert.ok(adapter.deliveries.viaEngine > before.viaEngine, 'long-polling readers got theirs through Engine.IO');
      await Promise.all(readers.map(({ reader }) => reader.close()));
    });

    it('when an entry is larger than 64 KiB, then WebSocket and long-polling readers get it intact', async () => {
      await createBlog(server.url, server.adminToken, { id: 'large-entry', title: 'Large entry' });
      const onWs = await openReader(server.url, 'large-entry');
      const onPolling = await openReader(server.url, 'large-entry', { transports: ['polling'] });
      // 20,000 three-byte characters: the event (body and its HTML) is well over 64 KiB
      const body = '€'.repeat(20_000);
      const posted = await postEntry(server.url, server.adminToken, 'large-entry', body);
      for (const reader of [onWs, onPolling]) {
        await reader.waitForSeq(posted.position.seq);
        const update = reader.received.find((e) => e.seq === posted.position.seq);
        assert.ok(update !== undefined && update.type === 'entry.created', 'delivered as an update');
        assert.equal(update.entry.body, body);
        await reader.close();
      }
    });

    it('when readers join, unsubscribe and disconnect between entries, then each gets exactly the entries of the time it was in the room', async () => {
      await createBlog(server.url, server.adminToken, { id: 'membership', title: 'Membership' });
      const seen = new Map<RawSocket, number[]>();
      const join = async (): Promise<RawSocket> => {
        const socket = await connectRaw(server.url);
        seen.set(socket, []);
        socket.on('update', (event) => seen.get(socket)!.push(event.seq));
        const ack = await subscribeRaw(socket, { blogId: 'membership' });
        assert.ok(ack.ok);
        return socket;
      };
      const post = async (n: number): Promise<number> => (await postEntry(server.url, server.adminToken, 'membership', `Entry ${n}`)).position.seq;

      const received = async (seq: number, sockets: RawSocket[]): Promise<void> => {
        const deadline = Date.now() + 5_000;
        while (sockets.some((socket) => !seen.get(socket)!.includes(seq)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      // the server handles a socket's requests in order: give a leave a moment to take effect
      const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 200));

      const adapter = server.application.io.of('/').adapter;
      assert.ok(adapter instanceof FrameAdapter);
      const directBefore = adapter.deliveries.direct;
      const stays = await join();
      const leaves = await join();
      const drops = await join();
      const s1 = await post(1);
      await received(s1, [stays, leaves, drops]);
      leaves.emit('unsubscribe', { blogId: 'membership' });
      await settle();
      const s2 = await post(2);
      await received(s2, [stays, drops]);
      drops.disconnect();
      await settle();
      const s3 = await post(3);
      const late = await join();
      const s4 = await post(4);
      await received(s4, [stays, late]);
      await settle();

      assert.deepEqual(seen.get(stays), [s1, s2, s3, s4], 'a reader that stays gets every entry');
      assert.deepEqual(seen.get(leaves), [s1], 'nothing after the unsubscribe');
      assert.deepEqual(seen.get(drops), [s1, s2], 'nothing after the disconnect');
      assert.deepEqual(seen.get(late), [s4], 'a late reader gets what follows its answer');
      // 3 + 2 + 1 + 2 entries went to WebSocket readers: all of them framed once and written directly
      assert.ok(adapter.deliveries.direct - directBefore >= 8, `direct writes: ${adapter.deliveries.direct - directBefore}`);
      for (const socket of [stays, leaves, late]) socket.disconnect();
    });
  });
});
