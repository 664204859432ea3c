import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ws from 'ws';
import { ackSeqs, classify } from '../../bench/loadgen/protocol.js';
import { clientTextFrame } from '../../bench/loadgen/raw-websocket.js';
import { referenceEvent } from '../../bench/servers/entry-event.js';

/** What a reader receives for `ack` as the answer to request 1: Engine.IO message, Socket.IO ack 1, `[ack]`. */
const frameOf = (ack: unknown): Buffer => Buffer.from(`431${JSON.stringify([ack])}`);

describe('the load generator reading subscribe answers', () => {
  it('when an answer holds events, then the position\'s seq and each event\'s seq are read, whatever their bodies say', () => {
    const events = [7, 8, 9].map((seq) => referenceEvent('b', seq, { body: `a body quoting "seq": ${seq + 100} and {"seq":1}` }));
    const packet = classify(frameOf({ ok: true, reset: false, position: { epoch: 'e', seq: 9 }, events }));
    assert.ok(packet.kind === 'ack');
    assert.deepEqual(ackSeqs(packet.data, packet.at), { position: 9, events: [7, 8, 9] });
  });

  it('when an answer is a reset, then only its position is read', () => {
    const snapshot = { blog: { id: 'b', title: '"seq": 3' }, entries: [referenceEvent('b', 4, { body: 'x' }).entry], nextCursor: null };
    const packet = classify(frameOf({ ok: true, reset: true, position: { epoch: 'e', seq: 12 }, snapshot }));
    assert.ok(packet.kind === 'ack');
    assert.deepEqual(ackSeqs(packet.data, packet.at), { position: 12, events: [] });
  });

  it('when an answer is a refusal, then it is not read as one that worked', () => {
    const packet = classify(frameOf({ ok: false, error: { code: 'unavailable', message: 'retry' } }));
    assert.ok(packet.kind === 'ack');
    assert.equal(ackSeqs(packet.data, packet.at), null);
  });
});

/** ws's frame parser as a server uses it (it insists on masked client frames): exported at runtime, missing from its types. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver };

describe('the load generator\'s WebSocket frames', () => {
  it('when the generator sends a text of any length form, then a WebSocket server reads exactly that text', async () => {
    for (const text of ['3', '40', 'x'.repeat(125), 'é'.repeat(63), 'x'.repeat(126), 'x'.repeat(70_000)]) {
      const read = await new Promise<string>((resolve, reject) => {
        const receiver = new Receiver({ isServer: true, maxPayload: 0 });
        receiver.on('message', (data, isBinary) => (isBinary ? reject(new Error('binary frame')) : resolve(data.toString('utf8'))));
        receiver.on('error', reject);
        receiver.write(clientTextFrame(text));
      });
      assert.equal(read, text);
    }
  });
});
