import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { sortedEntries } from '../../client/state/index.js';
import { SubscribeRequest, type BlogEvent, type ClientEvents, type ServerEvents, type SubscribeAck } from '../../shared/index.js';
import { openReader, type OpenReaderOptions, type TestReader } from '../support/test-reader.js';
import { ScriptedLog } from './fixtures.js';

const BLOG = 'fake-blog';

type FakeSocket = Socket<ClientEvents, ServerEvents>;

/**
 * A stand-in for the real server: answers `subscribe` from a scripted log (events
 * after the asked position, or a reset when the epoch differs or none is given),
 * and lets the test push `update`s by hand, including wrong ones.
 */
class FakeServer {
  log = new ScriptedLog(BLOG, 'epoch1');
  readonly requests: SubscribeRequest[] = [];
  /** Replaces the default answer for the next requests while it returns an ack. */
  override: ((request: SubscribeRequest, socket: FakeSocket) => SubscribeAck | undefined) | undefined;
  private readonly readers: TestReader[] = [];

  private constructor(
    readonly io: Server<ClientEvents, ServerEvents>,
    readonly url: string,
  ) {
    io.on('connection', (socket) => {
      socket.on('subscribe', (raw, ack) => {
        const request = SubscribeRequest.parse(raw);
        this.requests.push(request);
        ack(this.override?.(request, socket) ?? this.answer(request));
      });
    });
  }

  static async start(): Promise<FakeServer> {
    const http = createServer();
    const io = new Server<ClientEvents, ServerEvents>(http, { serveClient: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new FakeServer(io, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  }

  answer(request: SubscribeRequest): SubscribeAck {
    if (request.epoch !== this.log.epoch || request.after === undefined || request.after > this.log.events.length) {
      return this.log.resetAck();
    }
    return this.log.eventsAck(request.after);
  }

  push(...events: BlogEvent[]): void {
    for (const event of events) this.io.emit('update', event);
  }

  async open(options: OpenReaderOptions = {}): Promise<TestReader> {
    const reader = await openReader(this.url, BLOG, options);
    this.readers.push(reader);
    return reader;
  }

  async close(): Promise<void> {
    for (const reader of this.readers) await reader.close();
    await this.io.close();
  }
}

async function withFakeServer(body: (fake: FakeServer) => Promise<void>): Promise<void> {
  const fake = await FakeServer.start();
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

function seqs(events: readonly BlogEvent[]): number[] {
  return events.map((e) => e.seq);
}

describe('test reader against a scripted socket.io server', () => {
  it('when an update skips a seq, then the reader resubscribes from its position and applies the missing events once, in order', async () => {
    await withFakeServer(async (fake) => {
      fake.log.blogUpdated();
      fake.log.created('aaaaaa');
      const reader = await fake.open();
      assert.deepEqual(reader.position, { epoch: 'epoch1', seq: 2 });

      fake.log.created('bbbbbb');
      const fourth = fake.log.created('cccccc');
      fake.push(fourth);
      await reader.waitForSeq(4);

      assert.deepEqual(fake.requests, [{ blogId: BLOG }, { blogId: BLOG, epoch: 'epoch1', after: 2 }]);
      assert.deepEqual(seqs(reader.received), [4]);
      assert.deepEqual(seqs(reader.applied), [3, 4]);
      assert.equal(reader.resets, 1);
      assert.deepEqual(sortedEntries(reader.state!, 'newest').map((e) => e.id), ['cccccc', 'bbbbbb', 'aaaaaa']);
      assert.deepEqual(reader.problems, []);
    });
  });

  it('when an update of another epoch arrives, then the reader resubscribes and resets to the new epoch', async () => {
    await withFakeServer(async (fake) => {
      fake.log.blogUpdated();
      fake.log.created('aaaaaa');
      const reader = await fake.open();

      fake.log = new ScriptedLog(BLOG, 'epoch2');
      fake.log.blogUpdated({ title: 'Restored' });
      const created = fake.log.created('zzzzzz');
      fake.push(created);
      await reader.waitForSeq({ epoch: 'epoch2', seq: 2 });

      assert.deepEqual(fake.requests[1], { blogId: BLOG, epoch: 'epoch1', after: 2 });
      assert.equal(reader.resets, 2);
      assert.equal(reader.state?.blog.title, 'Restored');
      assert.deepEqual([...(reader.state?.entries.keys() ?? [])], ['zzzzzz']);
      assert.deepEqual(reader.applied, [], 'the new epoch came as a snapshot, not as events');
    });
  });

  it('when the connection drops or the server disconnects it, then the reader resubscribes from its position and gets only what it missed', async () => {
    await withFakeServer(async (fake) => {
      fake.log.blogUpdated();
      fake.log.created('aaaaaa');
      const reader = await fake.open();

      fake.log.created('bbbbbb');
      for (const socket of fake.io.sockets.sockets.values()) socket.conn.close();
      await reader.waitForSeq(3);

      assert.deepEqual(fake.requests, [{ blogId: BLOG }, { blogId: BLOG, epoch: 'epoch1', after: 2 }]);
      assert.deepEqual(seqs(reader.applied), [3]);
      assert.equal(reader.resets, 1);
      assert.ok(reader.state?.entries.has('bbbbbb'));

      // a disconnect sent by the server (an instance shutting down) is no reason to stay away
      fake.log.created('cccccc');
      for (const socket of fake.io.sockets.sockets.values()) socket.disconnect(true);
      await reader.waitForSeq(4);
      assert.deepEqual(fake.requests[2], { blogId: BLOG, epoch: 'epoch1', after: 3 });
      assert.deepEqual(seqs(reader.applied), [3, 4]);
    });
  });

  it('when updates overtake the subscribe answer, then they are held and applied after it, each once', async () => {
    await withFakeServer(async (fake) => {
      fake.log.blogUpdated();
      fake.log.created('aaaaaa');
      fake.log.created('bbbbbb');
      fake.override = (_request, socket) => {
        fake.override = undefined;
        // the answer reflects seq 2 but the room already sent 2 and 3
        socket.emit('update', fake.log.events[2]!);
        socket.emit('update', fake.log.events[1]!);
        return fake.log.resetAck(2);
      };
      const reader = await fake.open();
      await reader.waitForSeq(3);
      fake.push(fake.log.events[2]!);
      const fourth = fake.log.created('cccccc');
      fake.push(fourth);
      await reader.waitForSeq(4);

      assert.deepEqual(seqs(reader.received), [3, 2, 3, 4]);
      assert.deepEqual(seqs(reader.applied), [3, 4]);
      assert.equal(fake.requests.length, 1, 'nothing was missing, so no catch-up was needed');
      assert.deepEqual(sortedEntries(reader.state!, 'newest').map((e) => e.id), ['cccccc', 'bbbbbb', 'aaaaaa']);
    });
  });

  it('when a catch-up is refused, then the reader retries until it is answered', async () => {
    await withFakeServer(async (fake) => {
      fake.log.blogUpdated();
      const reader = await fake.open();
      let refusals = 2;
      fake.override = () => (refusals-- > 0 ? { ok: false, error: { code: 'unavailable', message: 'try again' } } : undefined);
      fake.log.created('aaaaaa');
      fake.push(fake.log.created('bbbbbb'));
      await reader.waitForSeq(3);

      assert.equal(fake.requests.length, 4);
      assert.deepEqual(reader.problems.map((p) => p.kind), ['ack-error', 'ack-error']);
      assert.deepEqual(seqs(reader.applied), [2, 3]);
    });
  });

  it('when a reader opens from a position, then it gets only the events after it and no snapshot', async () => {
    await withFakeServer(async (fake) => {
      fake.log.blogUpdated();
      fake.log.created('aaaaaa');
      fake.log.created('bbbbbb');
      fake.log.created('cccccc');
      const reader = await fake.open({ from: { epoch: 'epoch1', seq: 2 } });

      assert.deepEqual(fake.requests, [{ blogId: BLOG, epoch: 'epoch1', after: 2 }]);
      assert.deepEqual(seqs(reader.applied), [3, 4]);
      assert.equal(reader.resets, 0);
      assert.equal(reader.state, undefined);
      assert.deepEqual(reader.position, { epoch: 'epoch1', seq: 4 });

      fake.push(fake.log.deleted('aaaaaa'));
      await reader.waitForSeq(5);
      assert.deepEqual(seqs(reader.applied), [3, 4, 5]);
    });
  });

  it('when the blog does not exist, then openReader rejects with the ack error', async () => {
    await withFakeServer(async (fake) => {
      fake.override = () => ({ ok: false, error: { code: 'blog_not_found', message: 'no blog "fake-blog"' } });
      await assert.rejects(fake.open(), /blog_not_found/);
    });
  });
});
