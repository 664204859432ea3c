import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import type { Logger } from '../../server/log/logger.js';
import { tcpOf, type EngineConnection } from '../../server/rooms/engine-connection.js';
import { DEFAULT_READER_LIMITS } from '../../server/app.js';
import { createBlog, postEntry } from '../support/api.js';
import { eventually } from '../support/eventually.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { metricValue } from '../support/metrics.js';
import { connectRaw, subscribeRaw, type RawSocket } from '../support/raw-socket.js';
import { openRawPolling } from '../support/raw-polling.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap plus the buffers outside it (where sockets keep what waits to be sent), after a full collection. */
function memoryInUse(): number {
  // twice: what the first collection finalizes (sockets, their buffers) the second frees
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** The largest body an entry may have, three bytes a character: each event is well over 100 KB on the wire. */
const BIG_BODY = '€'.repeat(20_000);
const MiB = 1024 * 1024;

/** A pino logger that keeps what it writes, to read the instance's warnings. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** A WebSocket reader that keeps only when each update arrived (not the events: the test measures memory). */
async function timingReader(url: string, blogId: string): Promise<{ socket: RawSocket; arrivals: Map<number, number> }> {
  const socket = await connectRaw(url);
  const arrivals = new Map<number, number>();
  socket.on('update', (event) => arrivals.set(event.seq, Date.now()));
  const ack = await subscribeRaw(socket, { blogId });
  assert.ok(ack.ok, 'the reader subscribed');
  return { socket, arrivals };
}

/** Posts big entries until `stop()` holds (or `max` were posted); returns each one's seq and when its POST was sent. */
async function publishUntil(
  server: TestInstance,
  blogId: string,
  stop: () => Promise<boolean> | boolean,
  max: number,
): Promise<Array<{ seq: number; sentAt: number }>> {
  const posted: Array<{ seq: number; sentAt: number }> = [];
  while (posted.length < max && !(await stop())) {
    const sentAt = Date.now();
    const { position } = await postEntry(server.url, server.adminToken, blogId, BIG_BODY);
    posted.push({ seq: position.seq, sentAt });
  }
  return posted;
}

/** Asserts the reader got every posted entry, each within a second of its POST being sent. */
async function assertPromptlyDelivered(arrivals: Map<number, number>, posted: Array<{ seq: number; sentAt: number }>): Promise<void> {
  const last = posted.at(-1)!.seq;
  await eventually(() => arrivals.has(last), 'the normal reader got the last entry');
  for (const { seq, sentAt } of posted) {
    const at = arrivals.get(seq);
    assert.ok(at !== undefined, `entry ${seq} reached the normal reader`);
    assert.ok(at - sentAt < 1_000, `entry ${seq} reached the normal reader ${at - sentAt} ms after it was posted`);
  }
}

function serverConnection(server: TestInstance, socket: RawSocket): EngineConnection {
  const serverSocket = server.application.io.sockets.sockets.get(socket.id!);
  assert.ok(serverSocket !== undefined, 'the reader is connected');
  return serverSocket.conn as unknown as EngineConnection;
}

const cuts = (server: TestInstance, cause: 'buffer' | 'stall'): Promise<number> =>
  metricValue(server.application.metrics.registry, 'liveblog_slow_reader_cuts_total', { cause });
const slowDisconnects = (server: TestInstance): Promise<number> =>
  metricValue(server.application.metrics.registry, 'liveblog_reader_disconnects_total', { reason: 'slow_reader' });

describe('a WebSocket reader that stops reading (default limits: 1 MiB, 10 s)', () => {
  let redis: TestRedis;
  let server: TestInstance;
  let proxy: TcpProxy;
  const captured = capturingLogger();

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url, logger: captured.logger });
    proxy = await startTcpProxy(server.port);
  });
  after(async () => {
    await proxy.close();
    await server.close();
    await redis.close();
  });

  it('when megabytes are published to it, then it is cut once 1 MiB waits for it, a normal reader gets each entry within a second, and the memory is back near its start', async () => {
    await createBlog(server.url, server.adminToken, { id: 'frozen-tab', title: 'Frozen tab' });
    // the first entries compile and cache what every later one uses: not what is measured here
    for (let i = 0; i < 3; i += 1) await postEntry(server.url, server.adminToken, 'frozen-tab', BIG_BODY);
    const normal = await timingReader(server.url, 'frozen-tab');
    const slow = await connectRaw(proxy.url);
    assert.ok((await subscribeRaw(slow, { blogId: 'frozen-tab' })).ok);
    const cutsBefore = await cuts(server, 'buffer');
    const disconnectsBefore = await slowDisconnects(server);
    const memoryBefore = memoryInUse();

    proxy.stall();
    // The kernel takes a few MB for a reader before the instance has to hold anything: post up to 25 MB.
    const posted = await publishUntil(server, 'frozen-tab', async () => (await cuts(server, 'buffer')) > cutsBefore, 200);

    assert.equal(await cuts(server, 'buffer'), cutsBefore + 1, 'the reader was cut for what waited for it');
    assert.equal(await slowDisconnects(server), disconnectsBefore + 1, 'and its disconnect counted as slow_reader');
    await eventually(() => server.application.io.sockets.sockets.get(slow.id!) === undefined, 'the instance let the reader go');
    const warning = captured.lines.find((line) => line.cause === 'buffer');
    assert.ok(warning !== undefined, 'the cut was logged');
    const frameBytes = Buffer.byteLength(JSON.stringify({ body: BIG_BODY, html: `<p>${BIG_BODY}</p>` })) + 1_024;
    // the least that waited is part of the frame that first found the kernel full
    assert.ok((warning.leastWaitingBytes as number) <= frameBytes, `${warning.leastWaitingBytes as number} bytes waited when it fell behind`);
    assert.ok(
      (warning.waitingBytes as number) <= DEFAULT_READER_LIMITS.bufferMaxBytes + 2 * frameBytes,
      `cut with ${warning.waitingBytes as number} bytes waiting: 1 MiB more than when it fell behind, and the frame that crossed it`,
    );
    await assertPromptlyDelivered(normal.arrivals, posted);

    normal.socket.disconnect();
    slow.disconnect();
    // the blog's relay (and its cache of recent events) goes once it has no readers
    await eventually(() => server.application.relay.blogs().length === 0, 'the blog is no longer relayed');
    await new Promise((r) => setTimeout(r, 1_000));
    const grown = memoryInUse() - memoryBefore;
    // About 1 MB stays whatever the readers do (compiled code); frames held for the reader would be tens.
    assert.ok(grown < 4 * MiB, `memory in use grew by ${(grown / MiB).toFixed(1)} MiB after ${posted.length} entries of ~120 KB`);
  });

  it('when it takes nothing more and nothing more is published, then it is cut after 10 s', async () => {
    await createBlog(server.url, server.adminToken, { id: 'tunnel', title: 'Tunnel' });
    const slow = await connectRaw(proxy.url);
    assert.ok((await subscribeRaw(slow, { blogId: 'tunnel' })).ok);
    const conn = serverConnection(server, slow);
    const stallsBefore = await cuts(server, 'stall');
    const buffersBefore = await cuts(server, 'buffer');

    proxy.stall();
    // Publish only until the instance holds something for the reader (its kernel buffers are full).
    await publishUntil(server, 'tunnel', () => (tcpOf(conn)?.writableLength ?? 0) > 0, 200);
    const stoppedAt = Date.now();
    assert.ok((tcpOf(conn)?.writableLength ?? 0) < DEFAULT_READER_LIMITS.bufferMaxBytes, 'less than the byte limit waits');

    await eventually(async () => (await cuts(server, 'stall')) > stallsBefore, 'the stalled reader was cut', 15_000);
    const after = Date.now() - stoppedAt;
    assert.ok(after >= DEFAULT_READER_LIMITS.writeTimeoutMs - 1_500, `not cut before its write timeout (${after} ms)`);
    assert.ok(after <= DEFAULT_READER_LIMITS.writeTimeoutMs + 2_000, `cut ${after} ms after its data stopped moving`);
    assert.equal(await cuts(server, 'buffer'), buffersBefore, 'for the stall, not the bytes');
    assert.equal(conn.readyState, 'closed');
    slow.disconnect();
  });
});

describe('a long-polling reader that stops polling (limits: 256 KiB, 3 s)', () => {
  let server: TestInstance;

  before(async () => {
    server = await startInstance({ env: { READER_BUFFER_MAX_BYTES: String(256 * 1024), READER_WRITE_TIMEOUT_MS: '3000' } });
    await createBlog(server.url, server.adminToken, { id: 'no-polls', title: 'No polls' });
    // The render worker starts on the first entry; its start-up is not what these tests time.
    await postEntry(server.url, server.adminToken, 'no-polls', 'warm-up');
  });
  after(() => server.close());

  async function subscribedPollingReader(): Promise<Awaited<ReturnType<typeof openRawPolling>>> {
    const reader = await openRawPolling(server.url);
    assert.equal(await reader.send('420["subscribe",{"blogId":"no-polls"}]'), 200);
    // the answer may come after other packets (a reader count), in a later poll
    const seen: string[] = [];
    for (let polls = 0; polls < 3 && !seen.some((p) => p.startsWith('430[{"ok":true')); polls += 1) {
      const { status, packets } = await reader.poll();
      seen.push(`(${status})`, ...packets);
    }
    assert.ok(seen.some((p) => p.startsWith('430[{"ok":true')), `subscribed: ${seen.join(' | ').slice(0, 300)}`);
    return reader;
  }

  it('when entries pile up for it, then it is cut past the byte limit and a normal reader gets each entry within a second', async () => {
    const normal = await timingReader(server.url, 'no-polls');
    const stalled = await subscribedPollingReader();
    const cutsBefore = await cuts(server, 'buffer');
    const disconnectsBefore = await slowDisconnects(server);

    const posted = await publishUntil(server, 'no-polls', async () => (await cuts(server, 'buffer')) > cutsBefore, 20);

    // the first entry is what waited when it fell behind; 256 KiB more is the third entry after it
    assert.ok(posted.length <= 4, `cut within the fourth entry of ~120 KB (after ${posted.length})`);
    assert.equal(await slowDisconnects(server), disconnectsBefore + 1);
    const next = await stalled.poll();
    assert.equal(next.status, 400, 'its session is gone: the next poll is refused');
    await assertPromptlyDelivered(normal.arrivals, posted);
    normal.socket.disconnect();
  });

  it('when it does not come back for what waits, then it is cut after the write timeout', async () => {
    const stalled = await subscribedPollingReader();
    const stallsBefore = await cuts(server, 'stall');

    await postEntry(server.url, server.adminToken, 'no-polls', 'One small entry');
    const postedAt = Date.now();
    await eventually(async () => (await cuts(server, 'stall')) > stallsBefore, 'the reader that stopped polling was cut', 6_000);
    const after = Date.now() - postedAt;
    // the sweep looks every 750 ms at this timeout
    assert.ok(after >= 3_000 - 750 && after <= 3_000 + 1_500, `cut ${after} ms after the entry waited for it`);
    assert.equal((await stalled.poll()).status, 400);
  });

  it('when a reader is sent an answer larger than the byte limit and takes it a little late, then it is not cut', async () => {
    await createBlog(server.url, server.adminToken, { id: 'big-answer', title: 'Big answer' });
    for (let i = 0; i < 4; i += 1) await postEntry(server.url, server.adminToken, 'big-answer', BIG_BODY);
    const reader = await openRawPolling(server.url);
    const before = (await cuts(server, 'stall')) + (await cuts(server, 'buffer'));
    assert.equal(await reader.send('420["subscribe",{"blogId":"big-answer"}]'), 200);
    await new Promise((r) => setTimeout(r, 800));
    const { packets } = await reader.poll();
    const answer = packets.find((p) => p.startsWith('430[{"ok":true'));
    assert.ok(answer !== undefined && Buffer.byteLength(answer) > 256 * 1024, 'a snapshot of four big entries, over the 256 KiB limit');
    assert.equal((await cuts(server, 'stall')) + (await cuts(server, 'buffer')), before, 'a large answer it asked for may drain');
  });

  it('when a reader polls a little late each time, but well within the write timeout, then it is never cut', async () => {
    const reader = await subscribedPollingReader();
    const before = (await cuts(server, 'stall')) + (await cuts(server, 'buffer'));
    for (let i = 0; i < 3; i += 1) {
      await postEntry(server.url, server.adminToken, 'no-polls', `Entry ${i}`);
      await new Promise((r) => setTimeout(r, 800));
      const { packets } = await reader.poll();
      assert.ok(packets.some((p) => p.startsWith('42["update"')), 'each poll brings what waited');
    }
    assert.equal((await cuts(server, 'stall')) + (await cuts(server, 'buffer')), before);
    assert.equal(await reader.send('42["unsubscribe",{"blogId":"no-polls"}]'), 200, 'still connected');
  });
});
