import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectRaw, subscribeRaw, type RawSocket } from '../support/raw-socket.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

for (const mode of ['redis', 'embedded'] as const) {
  describe(`catch-up after a reconnect (${mode})`, () => {
    let redis: TestRedis | undefined;
    let server: TestInstance;

    before(async () => {
      redis = mode === 'redis' ? await startRedis() : undefined;
      server = await startInstance({ redisUrl: redis?.url });
    });
    after(async () => {
      await server.close();
      await redis?.close();
    });

    it('when a reader comes back with epoch and after, then the ack holds exactly the events it missed', async () => {
      await createBlog(server.url, server.adminToken, { id: 'reconnect', title: 'Reconnect' });
      const socket = await connectRaw(server.url);
      const first = await subscribeRaw(socket, { blogId: 'reconnect' });
      assert.ok(first.ok && first.reset);
      const seen = await postEntry(server.url, server.adminToken, 'reconnect', 'Seen live');
      socket.disconnect();

      const missed = [];
      for (let i = 0; i < 5; i += 1) missed.push(await postEntry(server.url, server.adminToken, 'reconnect', `Missed ${i}`));

      const again = await connectRaw(server.url);
      const ack = await subscribeRaw(again, { blogId: 'reconnect', epoch: seen.position.epoch, after: seen.position.seq });
      assert.ok(ack.ok && !ack.reset, 'a reader within the retained log gets events, not a reset');
      assert.deepEqual(
        ack.events.map((e) => e.seq),
        missed.map((m) => m.position.seq),
      );
      assert.deepEqual(
        ack.events.map((e) => (e.type === 'entry.created' ? e.entry.id : e.type)),
        missed.map((m) => m.entry.id),
      );
      assert.deepEqual(ack.position, missed.at(-1)?.position);
      again.disconnect();
    });

    it('when a reader asks with another epoch, then it gets a reset with a snapshot at the current position', async () => {
      await createBlog(server.url, server.adminToken, { id: 'other-epoch', title: 'Other epoch' });
      const posted = await postEntry(server.url, server.adminToken, 'other-epoch', 'Only entry');
      const socket = await connectRaw(server.url);
      const ack = await subscribeRaw(socket, { blogId: 'other-epoch', epoch: 'someotherepoch', after: 3 });
      assert.ok(ack.ok && ack.reset);
      assert.deepEqual(ack.position, posted.position);
      assert.deepEqual(
        ack.snapshot.entries.map((e) => e.id),
        [posted.entry.id],
      );
      socket.disconnect();
    });

    it('when readers subscribe while entries are being posted, then each gets every later entry exactly once', async () => {
      await createBlog(server.url, server.adminToken, { id: 'racing', title: 'Racing' });
      const readers: { socket: RawSocket; seqs: number[]; ackSeq: number }[] = [];
      const posting = (async () => {
        const out = [];
        for (let i = 0; i < 40; i += 1) out.push(await postEntry(server.url, server.adminToken, 'racing', `Racing ${i}`));
        return out;
      })();
      for (let i = 0; i < 12; i += 1) {
        const socket = await connectRaw(server.url);
        const record = { socket, seqs: [] as number[], ackSeq: 0 };
        socket.on('update', (event) => record.seqs.push(event.seq));
        const ack = await subscribeRaw(socket, { blogId: 'racing' });
        assert.ok(ack.ok && ack.reset);
        record.ackSeq = ack.position.seq;
        readers.push(record);
        await new Promise((r) => setTimeout(r, 7));
      }
      const posted = await posting;
      const lastSeq = posted.at(-1)!.position.seq;
      await new Promise((r) => setTimeout(r, 300));
      for (const { socket, seqs, ackSeq } of readers) {
        const expected = Array.from({ length: lastSeq - ackSeq }, (_, k) => ackSeq + 1 + k);
        assert.deepEqual(seqs, expected, `after a snapshot at ${ackSeq}, updates run ${ackSeq + 1}..${lastSeq} once each`);
        socket.disconnect();
      }
    });
  });
}
