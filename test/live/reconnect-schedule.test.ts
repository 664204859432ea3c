import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RECONNECT_SCHEDULE, reconnectDelay } from '../../client/live/index.js';
import { ScriptedLog } from '../client/fixtures.js';
import { until, type FakeServer } from './fake-server.js';
import { fakeServerSuite, follow, type Followed } from './support.js';

describe('live client: the reconnect schedule', () => {
  it('when a connection was lost, then the first attempt lies anywhere in the window from 0 ms on', () => {
    assert.equal(reconnectDelay(0, RECONNECT_SCHEDULE, () => 0), 0);
    assert.equal(reconnectDelay(0, RECONNECT_SCHEDULE, () => 0.5), RECONNECT_SCHEDULE.windowMs / 2);
    assert.equal(reconnectDelay(0, RECONNECT_SCHEDULE, () => 1), RECONNECT_SCHEDULE.windowMs);
    assert.equal(RECONNECT_SCHEDULE.windowMs, 2_500);
    assert.equal(reconnectDelay(0, { windowMs: 400, retryMs: 10, maxMs: 20 }, () => 0.25), 100);
  });

  it('when attempts fail, then each waits 0.5–1 s, doubling up to 2.5–5 s', () => {
    const ceilings = [1_000, 2_000, 4_000, 5_000, 5_000];
    ceilings.forEach((ceiling, i) => {
      assert.equal(reconnectDelay(i + 1, RECONNECT_SCHEDULE, () => 1), ceiling);
      assert.equal(reconnectDelay(i + 1, RECONNECT_SCHEDULE, () => 0), ceiling / 2);
    });
    assert.equal(reconnectDelay(1_000, RECONNECT_SCHEDULE, () => 1), 5_000);
  });

  describe('readers of an instance that goes away', () => {
    const READERS = 40;
    const WINDOW_MS = 4_000;
    const fake = fakeServerSuite();

    const cuts = [
      ['closes them (an instance shutting down)', (s: FakeServer) => s.kick()],
      ['loses their connections (an instance killed)', (s: FakeServer) => s.drop()],
    ] as const;
    for (const [n, [how, cut]] of cuts.entries()) {
      it(`when the server ${how}, then ${READERS} clients come back spread over the reconnect window, not together`, async () => {
        const blogId = `spread-${n}`;
        const log = new ScriptedLog(blogId, 'ep1');
        log.blogUpdated();
        const server = fake.server;
        const count = server.requests.length;
        const clients: Followed[] = [];
        for (let i = 0; i < READERS; i += 1) {
          clients.push(fake.track(follow(server.url, blogId, {}, { reconnect: { windowMs: WINDOW_MS, retryMs: 100, maxMs: 200 } })));
        }
        await until(() => server.requests.length >= count + READERS, 'every client subscribed');
        for (const held of server.requests.slice(count)) held.answer(log.resetAck());
        await until(() => clients.every((f) => f.client.connection === 'live'), 'every client live');

        const cutAt = performance.now();
        const backAfter: number[] = [];
        const before = server.requests.length;
        cut(server);
        await until(
          () => {
            for (const held of server.requests.slice(before + backAfter.length)) {
              backAfter.push(performance.now() - cutAt);
              held.answer(log.eventsAck(1));
            }
            return backAfter.length >= READERS;
          },
          'every client back',
          WINDOW_MS + 5_000,
        );
        backAfter.sort((a, b) => a - b);
        // Spread evenly over 4 s, 40 clients all within 2 s has odds under one in 10^10; a busy
        // machine can narrow the spread only by its longest stall, which the other 2 s cover.
        const spread = backAfter.at(-1)! - backAfter[0]!;
        assert.ok(spread > 0.5 * WINDOW_MS, `back from ${backAfter[0]!.toFixed(0)} to ${backAfter.at(-1)!.toFixed(0)} ms after the cut`);
        await until(() => clients.every((f) => f.client.connection === 'live'), 'every client live again');
        for (const f of clients) f.client.close();
      });
    }
  });
});
