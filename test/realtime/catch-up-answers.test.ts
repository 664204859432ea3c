import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Encoder, PacketType, type Packet } from 'socket.io-parser';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { SubscribeAck, type BlogEvent, type BlogId, type SubscribeRequest } from '../../shared/index.js';
import { MemoryBus } from '../../server/bus/memory-bus.js';
import { silentLogger } from '../../server/log/logger.js';
import { createMetrics, type Metrics } from '../../server/metrics/index.js';
import { BlogFeed, Relay } from '../../server/relay/index.js';
import { AckPassingEncoder, CatchUpAnswers, EncodedAck, textFrame, textFrameStart, type ReadyAnswer } from '../../server/rooms/index.js';
import type { EventStore } from '../../server/store/event-store.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import type { RawSocket } from '../support/raw-socket.js';
import { waitFor } from '../store/conformance.js';
import { makeBlog, makeEntry } from '../store/fixtures.js';

/** The parsed ack an answer sends. */
const ackOf = (answer: ReadyAnswer): SubscribeAck => SubscribeAck.parse(JSON.parse(answer.ack.json));
const seqsOf = (answer: ReadyAnswer): number[] => {
  const ack = ackOf(answer);
  return ack.ok && !ack.reset ? ack.events.map((e) => e.seq) : [];
};

describe('the readers\' ack encoder', () => {
  const ack = { ok: true, reset: false, position: { epoch: 'e1', seq: 3 }, events: [{ note: 'Zürich — “quoted” \u2028 \\ </script>', n: -0.5 }] };

  for (const nsp of ['/', '/elsewhere']) {
    it(`when an ack of namespace ${nsp} is pre-encoded, then it is byte for byte what Socket.IO's own encoder makes of the value`, () => {
      const own = new Encoder().encode({ type: PacketType.ACK, nsp, id: 17, data: [ack] });
      const passed = new AckPassingEncoder().encode({ type: PacketType.ACK, nsp, id: 17, data: [new EncodedAck(JSON.stringify(ack))] });
      assert.deepEqual(passed, own);
    });
  }

  it('when an answer is framed for a WebSocket reader, then the frame is the one of the text Socket.IO would send, at every length form', () => {
    // payloads from under to over 126 and 65,536 bytes, where the frame header grows
    const lengths = new Set<number>();
    for (const base of [90, 65_500]) {
      for (let extra = 0; extra < 40; extra += 1) {
        for (const [nsp, id] of [['/', 7], ['/elsewhere', 123_456]] as const) {
          const value = { ok: true, note: `é${'x'.repeat(base + extra)}` };
          const text = `4${new Encoder().encode({ type: PacketType.ACK, nsp, id, data: [value] })[0] as string}`;
          const payload = Buffer.from(text);
          lengths.add(payload.length);
          assert.deepEqual(Buffer.concat(new EncodedAck(JSON.stringify(value)).frame(nsp, id)), textFrame(payload), `${payload.length} bytes, ${nsp}`);
        }
      }
    }
    for (const edge of [125, 126, 65_535, 65_536]) assert.ok(lengths.has(edge), `a payload of ${edge} bytes`);
  });

  it('when a packet is not an ack of one encoded value, then it is encoded as Socket.IO does', () => {
    const packets: Packet[] = [
      { type: PacketType.EVENT, nsp: '/', data: ['update', { seq: 1 }] },
      { type: PacketType.ACK, nsp: '/', id: 2, data: [{ ok: false }] },
      { type: PacketType.ACK, nsp: '/', id: 3, data: [new EncodedAck('{"a":1}'), 'second'] },
      { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } },
    ];
    for (const packet of packets) assert.deepEqual(new AckPassingEncoder().encode(packet), new Encoder().encode(packet));
  });
});

describe('catch-up answers shared by readers at the same position', () => {
  let store: MemoryStore;
  let reads: Array<{ epoch?: string; after?: number }>;
  let counting: EventStore;
  let relay: Relay;
  let metrics: Metrics;
  let answers: CatchUpAnswers;

  before(() => {
    const bus = new MemoryBus();
    store = new MemoryStore({ bus, logMax: 10_000 });
    reads = [];
    // The real store, with its reads counted.
    counting = Object.create(store) as EventStore;
    counting.readEvents = (blogId, from, opts) => {
      reads.push(from);
      return store.readEvents(blogId, from, opts);
    };
    metrics = createMetrics();
    // Four recent events in memory: older positions need the store.
    relay = new Relay({ store: counting, bus, emit: () => {}, logger: silentLogger(), cacheSize: 4, metrics });
    answers = new CatchUpAnswers({ store: counting, metrics });
  });
  after(() => relay.close());

  /** A blog with `entries` entries, its feed started; events are seqs 1 (the blog) to entries + 1. */
  async function blogWith(entries: number): Promise<{ blogId: BlogId; feed: BlogFeed; epoch: string }> {
    const blog = makeBlog();
    await store.createBlog(blog);
    for (let i = 0; i < entries; i += 1) await store.createEntry(makeEntry(blog.id));
    const feed = await relay.acquire(blog.id);
    const position = feed.position();
    assert.ok(position !== null);
    return { blogId: blog.id, feed, epoch: position.epoch };
  }

  async function post(feed: BlogFeed): Promise<number> {
    const created = await store.createEntry(makeEntry(feed.blogId));
    assert.ok(created.ok);
    await waitFor(() => feed.position()?.seq === created.position.seq, 'the feed to hand out the entry');
    return created.position.seq;
  }

  /** What a subscribe does: memory first, else one store read and the answer at the feed's head. */
  async function answer(feed: BlogFeed, request: SubscribeRequest): Promise<ReadyAnswer> {
    const now = answers.fromMemory(feed, request);
    if (now !== null) return now;
    const stored = await answers.read(feed, request);
    assert.ok(stored !== null);
    assert.equal(await feed.reach(stored.position, 5_000), 'reached');
    const ready = answers.fromStored(feed, request, stored);
    assert.ok(ready !== null);
    return ready;
  }

  const counted = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await metrics.catchUpAnswers.counter.get()).values.map((v) => [String(v.labels.source), v.value]));

  it('when readers come back at the same position, then they get one answer encoded once; other positions get their own', async () => {
    const { blogId, feed, epoch } = await blogWith(5);
    const first = answers.fromMemory(feed, { blogId, epoch, after: 4 });
    const second = answers.fromMemory(feed, { blogId, epoch, after: 4 });
    const other = answers.fromMemory(feed, { blogId, epoch, after: 5 });
    assert.ok(first !== null && second !== null && other !== null);
    assert.equal(second.ack, first.ack, 'the same encoded answer');
    assert.deepEqual(seqsOf(first), [5, 6]);
    assert.notEqual(other.ack, first.ack);
    assert.deepEqual(seqsOf(other), [6]);
  });

  it('when an event is handed out after an answer was kept, then the next reader at that position gets the new event too', async () => {
    const { blogId, feed, epoch } = await blogWith(3);
    const before = answers.fromMemory(feed, { blogId, epoch, after: 3 });
    assert.ok(before !== null);
    assert.deepEqual(seqsOf(before), [4]);
    const seq = await post(feed);
    const later = answers.fromMemory(feed, { blogId, epoch, after: 3 });
    assert.ok(later !== null);
    assert.deepEqual(seqsOf(later), [4, seq]);
    const ack = ackOf(later);
    assert.ok(ack.ok && ack.position.seq === seq, 'the answer stands at the new head');
  });

  it('when many readers behind the feed\'s memory ask at once, then the store is read once and all get the same answer', async () => {
    const { blogId, feed, epoch } = await blogWith(12);
    reads.length = 0;
    const request = { blogId, epoch, after: 2 };
    assert.equal(answers.fromMemory(feed, request), null, 'seq 2 is older than the four events in memory');
    const all = await Promise.all(Array.from({ length: 50 }, () => answer(feed, request)));
    assert.equal(reads.length, 1, `store reads: ${reads.length}`);
    assert.ok(all.every((a) => a.ack === all[0]!.ack));
    assert.deepEqual(seqsOf(all[0]!), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    // Kept: the next reader at this position and head needs no read at all.
    const again = await answer(feed, request);
    assert.equal(again.ack, all[0]!.ack);
    assert.equal(reads.length, 1);
  });

  it('when readers load the blog for the first time together, then one snapshot is read for all of them, and a new one once the blog moved on', async () => {
    const { blogId, feed } = await blogWith(2);
    reads.length = 0;
    const all = await Promise.all(Array.from({ length: 30 }, () => answer(feed, { blogId })));
    assert.equal(reads.length, 1);
    assert.ok(all.every((a) => a.ack === all[0]!.ack && a.tail.length === 0));
    const reset = ackOf(all[0]!);
    assert.ok(reset.ok && reset.reset && reset.position.seq === 3 && reset.snapshot.entries.length === 2);

    const seq = await post(feed);
    const later = await answer(feed, { blogId });
    assert.equal(reads.length, 2, 'the kept snapshot is of an older head');
    const moved = ackOf(later);
    assert.ok(moved.ok && moved.reset && moved.position.seq === seq && moved.snapshot.entries.length === 3);
  });

  it('when a reader is in another epoch, then it gets a reset from the store, however its position compares', async () => {
    const { blogId, feed } = await blogWith(2);
    const ready = await answer(feed, { blogId, epoch: 'an-older-epoch', after: 1 });
    const ack = ackOf(ready);
    assert.ok(ack.ok && ack.reset && ack.position.seq === 3);
  });

  it('when a blog\'s feed is started anew at the same position, then its readers do not get answers kept for the old one', async () => {
    const { blogId, feed, epoch } = await blogWith(3);
    const request = { blogId, epoch, after: 2 };
    const old = answers.fromMemory(feed, request);
    // What the relay makes after an idle drop: another feed of the blog, from the store.
    const anew = new BlogFeed({ blogId, store, emit: () => {}, logger: silentLogger(), cacheSize: 4, maxCatchUpEvents: 100 });
    assert.ok(await anew.start());
    assert.deepEqual(anew.position(), feed.position());
    const fresh = answers.fromMemory(anew, request);
    assert.ok(old !== null && fresh !== null);
    assert.notEqual(fresh.ack, old.ack, 'built from the new feed');
    assert.equal(fresh.ack.json, old.ack.json);
  });

  it('when answers are given, then each reader answered is counted by where its answer came from', async () => {
    const { blogId, feed, epoch } = await blogWith(12);
    const start = await counted();
    await answer(feed, { blogId, epoch, after: 12 });
    await answer(feed, { blogId, epoch, after: 12 });
    await answer(feed, { blogId, epoch, after: 1 });
    await answer(feed, { blogId });
    await answer(feed, { blogId });
    const end = await counted();
    assert.deepEqual(
      { memory: end.memory! - start.memory!, store: end.store! - start.store!, reset: end.reset! - start.reset! },
      { memory: 2, store: 1, reset: 2 },
    );
  });
});

/**
 * A reader speaking Engine.IO / Socket.IO by hand over a WebSocket, to see the exact text of
 * each message: `0` open → `40` connect → `40…` connected → `42<id>["subscribe",…]` → `43<id>[…]`.
 */
function subscribeByHand(url: string, ackId: number, request: SubscribeRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no ack within 5 s'));
    }, 5_000);
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text.startsWith('0')) socket.send('40');
      else if (text.startsWith('40')) socket.send(`42${ackId}${JSON.stringify(['subscribe', request])}`);
      else if (text.startsWith(`43${ackId}[`)) {
        clearTimeout(timer);
        socket.close();
        resolve(text);
      }
    });
  });
}

describe('pre-encoded subscribe answers on a running instance', () => {
  let server: TestInstance;
  before(async () => {
    server = await startInstance();
  });
  after(() => server.close());

  it('when readers subscribe at the same position, then Socket.IO hands the one encoded answer to the encoder and each reader receives exactly the bytes Socket.IO would have sent', async () => {
    await createBlog(server.url, server.adminToken, { id: 'same-position', title: 'Same position' });
    let last = { epoch: '', seq: 0 };
    for (let i = 0; i < 3; i += 1) last = (await postEntry(server.url, server.adminToken, 'same-position', `Entry ${i} — “é”`)).position;

    // What the server's encoder is given for each ack, and whether anything serialised an answer
    // again (`toJSON`): this fails should Socket.IO stop passing ack arguments to its encoder as
    // they are, or stop building its encoder from the `parser` option.
    const encoder = server.application.io.encoder;
    const given: unknown[] = [];
    const encode = encoder.encode.bind(encoder);
    encoder.encode = (packet: Packet) => {
      if (packet.type === PacketType.ACK) given.push((packet.data as unknown[])[0]);
      return encode(packet);
    };
    const toJSON = Object.getOwnPropertyDescriptor(EncodedAck.prototype, 'toJSON')!;
    let serialisedAgain = 0;
    EncodedAck.prototype.toJSON = function (this: EncodedAck) {
      serialisedAgain += 1;
      return (toJSON.value as (this: EncodedAck) => unknown).call(this);
    };

    const request = { blogId: 'same-position', epoch: last.epoch, after: last.seq - 2 };
    let texts: string[];
    let behind: string;
    try {
      texts = [await subscribeByHand(server.url, 1, request), await subscribeByHand(server.url, 22, request)];
      behind = await subscribeByHand(server.url, 3, { ...request, after: last.seq - 1 });
    } finally {
      encoder.encode = encode;
      Object.defineProperty(EncodedAck.prototype, 'toJSON', toJSON);
    }

    assert.ok(encoder instanceof AckPassingEncoder, 'the server encodes with the readers\' parser');
    assert.equal(serialisedAgain, 0, 'no answer was serialised again on its way to a reader');
    assert.equal(given.length, 3);
    assert.ok(given[0] instanceof EncodedAck, 'the ack reached the encoder as the encoded answer');
    assert.equal(given[1], given[0], 'both readers were given the same answer');
    assert.notEqual(given[2], given[0], 'another position, another answer');

    for (const [text, id] of [[texts[0]!, 1], [texts[1]!, 22], [behind, 3]] as const) {
      const body = text.slice(`43${id}`.length);
      const value: unknown = JSON.parse(body);
      // Socket.IO's own encoder on the parsed value, with Engine.IO's message type in front.
      assert.equal(text, `4${new Encoder().encode({ type: PacketType.ACK, nsp: '/', id, data: value as unknown[] })[0]}`);
      const ack = SubscribeAck.parse((value as unknown[])[0]);
      assert.ok(ack.ok && !ack.reset);
    }
    const events = (text: string): BlogEvent[] => {
      const ack = SubscribeAck.parse((JSON.parse(text.slice(text.indexOf('['))) as unknown[])[0]);
      return ack.ok && !ack.reset ? ack.events : [];
    };
    assert.deepEqual(events(texts[0]!).map((e) => e.seq), [last.seq - 1, last.seq]);
    assert.deepEqual(events(texts[1]!), events(texts[0]!));
    assert.deepEqual(events(behind).map((e) => e.seq), [last.seq]);
  });

  it('when a WebSocket reader is answered, then Engine.IO writes the frame made from the answer\'s bytes; a long-polling reader gets the text', async () => {
    await createBlog(server.url, server.adminToken, { id: 'framed', title: 'Framed' });
    const { position } = await postEntry(server.url, server.adminToken, 'framed', 'One');
    const request = { blogId: 'framed', epoch: position.epoch, after: position.seq - 1 };
    // A frame that says something else than the answer: what arrives tells which of the two was sent.
    const frame = Object.getOwnPropertyDescriptor(EncodedAck.prototype, 'frame')!;
    EncodedAck.prototype.frame = (_nsp: string, id: number): [Buffer, Buffer] => {
      const rest = Buffer.from('["from the frame"]');
      return [textFrameStart(`43${id}`, rest.length), rest];
    };
    try {
      assert.equal(await subscribeByHand(server.url, 5, request), '435["from the frame"]');
      const polling: RawSocket = io(server.url, { transports: ['polling'], forceNew: true, reconnection: false });
      try {
        const ack = SubscribeAck.parse(await polling.timeout(5_000).emitWithAck('subscribe', request));
        assert.ok(ack.ok && !ack.reset && ack.events.length === 1, 'the answer itself');
      } finally {
        polling.disconnect();
      }
    } finally {
      Object.defineProperty(EncodedAck.prototype, 'frame', frame);
    }
  });

});
