import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Presence, type PresenceStore } from '../../server/presence/index.js';
import { roomOf } from '../../server/rooms/index.js';
import { createBlog } from '../support/api.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { openCountingReader, startPresenceInstance, type PresenceInstance } from './support.js';

/** Until this instance's server has seen its readers of the blog come and go. */
async function roomSize(instance: PresenceInstance, blogId: string, size: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((instance.application.io.sockets.adapter.rooms.get(roomOf(blogId))?.size ?? 0) !== size) {
    if (Date.now() > deadline) assert.fail(`room of ${blogId} never reached ${size} sockets`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('reader counts across two instances on one Redis, on the timer', () => {
  let redis: TestRedis;
  let a: PresenceInstance;
  let b: PresenceInstance;

  before(async () => {
    redis = await startRedis();
    a = await startPresenceInstance({ redisUrl: redis.url, presenceIntervalMs: 100 });
    b = await startPresenceInstance({ redisUrl: redis.url, presenceIntervalMs: 100 });
  });
  after(async () => {
    await a.close();
    await b.close();
    await redis.close();
  });

  it('when readers are on A and B, then all see the total, and when one leaves, then the others see it drop', async () => {
    await createBlog(a.url, a.adminToken, { id: 'counted', title: 'Counted' });
    await createBlog(a.url, a.adminToken, { id: 'other-blog', title: 'Other blog' });
    const onA1 = await openCountingReader(a.url, 'counted');
    const onA2 = await openCountingReader(a.url, 'counted');
    const onB = await openCountingReader(b.url, 'counted');
    const elsewhere = await openCountingReader(b.url, 'other-blog');

    for (const reader of [onA1, onA2, onB]) await reader.waitForCount(3);
    await elsewhere.waitForCount(1);
    assert.equal(a.application.presence.countOf('counted'), 3);
    assert.equal(b.application.presence.countOf('counted'), 3);

    await onB.close();
    for (const reader of [onA1, onA2]) await reader.waitForCount(2);
    assert.ok(onA1.counts.every((c) => c >= 1 && c <= 3), `counts ${JSON.stringify(onA1.counts)}`);
    await Promise.all([onA1.close(), onA2.close(), elsewhere.close()]);
  });
});

describe('reader counts, tick by tick', () => {
  let redis: TestRedis;
  let a: PresenceInstance;
  let b: PresenceInstance;
  // long enough that only the test ticks
  const manual = { presenceIntervalMs: 600_000 };

  before(async () => {
    redis = await startRedis();
    a = await startPresenceInstance({ redisUrl: redis.url, ...manual });
    b = await startPresenceInstance({ redisUrl: redis.url, ...manual });
    await createBlog(a.url, a.adminToken, { id: 'ticked', title: 'Ticked' });
  });
  after(async () => {
    await a.close();
    await b.close();
    await redis.close();
  });

  it('when the total is unchanged, then nobody is told again, but a reader who just joined is', async () => {
    const tickA = (): Promise<void> => a.application.presence.tick();
    const tickB = (): Promise<void> => b.application.presence.tick();

    const first = await openCountingReader(a.url, 'ticked');
    await tickA();
    await first.waitForCount(1);
    await tickA();
    await first.flush();
    assert.deepEqual(first.counts, [1], 'an unchanged total is not sent again');

    const onB = await openCountingReader(b.url, 'ticked');
    await tickB();
    await onB.waitForCount(2);
    await tickA();
    await first.waitForCount(2);

    // one reader leaves B as another joins A: the total stays 2
    await onB.close();
    await roomSize(b, 'ticked', 0);
    const second = await openCountingReader(a.url, 'ticked');
    await tickB();
    await tickA();
    await second.waitForCount(2);
    await first.flush();
    assert.deepEqual(first.counts, [1, 2], 'readers already told the total of 2 are not told again');
    assert.deepEqual(second.counts, [2]);
    assert.equal(a.application.presence.countOf('ticked'), 2);
    assert.equal(b.application.presence.countOf('ticked'), undefined, 'B has no readers of it any more');

    await Promise.all([first.close(), second.close()]);
  });

  it('when an instance shuts down, then its readers leave the total at the next tick of the others', async () => {
    const c = await startPresenceInstance({ redisUrl: redis.url, ...manual });
    await createBlog(a.url, a.adminToken, { id: 'shutdown', title: 'Shutdown' });
    const onA = await openCountingReader(a.url, 'shutdown');
    const onC = [await openCountingReader(c.url, 'shutdown'), await openCountingReader(c.url, 'shutdown')];
    await c.application.presence.tick();
    await a.application.presence.tick();
    await onA.waitForCount(3);

    await c.close();
    await a.application.presence.tick();
    await onA.waitForCount(1);
    await Promise.all([onA.close(), ...onC.map((r) => r.close())]);
  });
});

describe('Presence when its store fails', () => {
  let server: PresenceInstance;
  before(async () => {
    server = await startPresenceInstance({ presenceIntervalMs: 600_000 });
    await createBlog(server.url, server.adminToken, { id: 'flaky', title: 'Flaky' });
  });
  after(() => server.close());

  it('when the store throws, then the tick logs one warning, throws nothing, and counts resume when it answers', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
    let down = true;
    const store: PresenceStore = {
      async report(_instanceId, counts) {
        if (down) throw new Error('connection refused');
        return new Map([...counts].map(([blogId, count]) => [blogId, count + 10]));
      },
    };
    const presence = new Presence({ io: server.application.io, store, instanceId: 'flaky-test', intervalMs: 600_000, logger });
    const reader = await openCountingReader(server.url, 'flaky');

    await presence.tick();
    await presence.tick();
    const warnings = lines.filter((l) => l.level === 40);
    assert.equal(warnings.length, 1, JSON.stringify(lines));
    assert.equal(presence.countOf('flaky'), undefined);

    down = false;
    await presence.tick();
    await reader.waitForCount(11);
    assert.equal(presence.countOf('flaky'), 11);
    assert.ok(lines.some((l) => l.level === 30 && l.msg.includes('again')));

    presence.start();
    down = true;
    await presence.stop();
    await reader.close();
  });
});
