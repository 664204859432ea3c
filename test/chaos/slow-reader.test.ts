import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBlog } from '../support/api.js';
import { runScenario, startCluster, type ChaosCluster } from '../support/chaos/cluster.js';
import { Publisher } from '../support/chaos/publisher.js';
import { subscribeRawWebSocket } from '../support/chaos/raw-websocket.js';
import type { Scrape } from '../support/chaos/scrape.js';
import { openReaders, waitForReaders } from '../support/chaos/readers.js';
import { watchSlowReader } from '../support/chaos/slow-reader.js';

/** The limits under test, set explicitly (they are also the defaults). */
const BUFFER_MAX_BYTES = 1024 * 1024;
const WRITE_TIMEOUT_MS = 10_000;
/** Past the write timeout: a limit checked on a timer, and looks 50 ms apart. */
const CUT_SLACK_MS = 2_000;
/** What may be over the buffer limit when it is cut: one more entry's frame, and what arrived between two looks. */
const HELD_SLACK_BYTES = 512 * 1024;
/** Publishing large entries stops once the instance would hold this much for the slow reader: far past the limit. */
const STOP_PUBLISHING_HELD_BYTES = 4 * BUFFER_MAX_BYTES;
/** "A normal reader on the same instance keeps getting each entry within a second." */
const NORMAL_DELIVERY_MS = 1_000;

/** A newsroom writing in Chinese: three bytes of UTF-8 per character, so the kernel's buffers fill three times sooner. */
const PARAGRAPH = '暴风锋面夜间向内陆移动，沿海地区在黎明前完成疏散，铁路停运，各学校体育馆开放为避难所。\n\n';
/** A body near the 20,000-character limit: with its HTML, about 120 KB per frame. */
const LARGE_BODY = PARAGRAPH.repeat(Math.ceil(19_900 / PARAGRAPH.length)).slice(0, 19_900);

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

describe('chaos: a reader that stops reading while megabytes are published', { timeout: 120_000 }, () => {
  let cluster: ChaosCluster;

  before(async () => {
    cluster = await startCluster({
      READER_BUFFER_MAX_BYTES: String(BUFFER_MAX_BYTES),
      READER_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
    });
  });
  after(async () => {
    await cluster?.close();
  });

  it(`when a reader stops reading its TCP socket, then it is cut after at most ${BUFFER_MAX_BYTES / 1024} KiB held or ${WRITE_TIMEOUT_MS / 1000} s, readers beside it get each entry within a second, and nothing is lost`, async (t) => {
    await runScenario(cluster, 'slow-reader', (line) => t.diagnostic(line), async ({ cluster: c, addBlog, allowMemory, note }) => {
      const [a, b] = c.instances;
      const heavyId = 'chaos-slow-reader-large';
      await createBlog(a.url, c.token, { id: heavyId, title: 'Chaos: large entries' });
      // Readers of the large entries beside the slow one: two on its instance, one on the other.
      const beside = await openReaders([a.url], heavyId, 2);
      const elsewhere = await openReaders([b.url], heavyId, 1);
      const counter = await subscribeRawWebSocket(a.url, heavyId);
      const slow = await subscribeRawWebSocket(a.url, heavyId);
      const heavy = new Publisher({
        targets: () => c.urls(),
        token: c.token,
        blogId: heavyId,
        intervalMs: 0,
        entry: (i) => ({ title: `Large #${i}`, body: `${i} ${LARGE_BODY}` }),
      });
      addBlog({ blogId: heavyId, publisher: heavy, readers: [...beside, ...elsewhere] });
      const metricsBefore = await a.metrics();

      let stopping: Promise<void> | undefined;
      const watch = await watchSlowReader(slow, counter, a, WRITE_TIMEOUT_MS + CUT_SLACK_MS, {
        stopped: () => heavy.start(),
        look: (seen) => {
          if (seen.heldBytes > STOP_PUBLISHING_HELD_BYTES && stopping === undefined) stopping = heavy.stop();
        },
      });
      await heavy.stop();
      // Every instance caches a blog's recent events: the large entries (body and HTML, two bytes a
      // character in V8's strings, less than their three of UTF-8) are held by design.
      allowMemory(2 * heavy.bytesPublished);
      // The counters follow the cut by a moment (the disconnect is counted once Socket.IO has handled it).
      const cutsOf = (scrape: Scrape): number => scrape.sum('liveblog_slow_reader_cuts_total');
      const slowDisconnectsOf = (scrape: Scrape): number => scrape.require('liveblog_reader_disconnects_total', { reason: 'slow_reader' });
      let metricsAfter = await a.metrics();
      for (let i = 0; i < 20 && watch.cutAfterMs !== undefined && slowDisconnectsOf(metricsAfter) === slowDisconnectsOf(metricsBefore); i += 1) {
        await sleep(100);
        metricsAfter = await a.metrics();
      }
      slow.destroy();
      note('large entries', heavy.published.length);
      note('broadcast to the slow reader MiB', mib(watch.broadcastBytes));
      note('held by the kernel MiB', mib(watch.kernelBytes));
      note('held by the instance MiB', mib(watch.heldBytes));
      note('stalled after ms', watch.stalledAfterMs ?? 'never');
      note('cut after ms', watch.cutAfterMs ?? 'never');
      note("reader's end at the cut", watch.readerSideAtCut ?? '-');

      const cuts = cutsOf(metricsAfter) - cutsOf(metricsBefore);
      const slowDisconnects = slowDisconnectsOf(metricsAfter) - slowDisconnectsOf(metricsBefore);
      assert.ok(
        watch.stalledAfterMs !== undefined,
        `the writes to the paused reader never stalled: ${mib(watch.broadcastBytes)} MiB broadcast, all taken by the kernel`,
      );
      assert.ok(
        watch.cutAfterMs !== undefined,
        `the instance kept the paused reader's connection ${(WRITE_TIMEOUT_MS + CUT_SLACK_MS) / 1000} s after its writes stalled, with ` +
          `${mib(watch.broadcastBytes)} MiB broadcast to it since it stopped reading, the kernel holding ${mib(watch.kernelBytes)} MiB and the instance ~${mib(watch.heldBytes)} MiB`,
      );
      assert.ok(
        watch.heldBytes <= BUFFER_MAX_BYTES + HELD_SLACK_BYTES,
        `the instance held ~${mib(watch.heldBytes)} MiB for the paused reader before cutting it (limit ${mib(BUFFER_MAX_BYTES)} MiB)`,
      );
      assert.equal(cuts, 1, 'the instance counted one slow-reader cut (liveblog_slow_reader_cuts_total)');
      assert.equal(slowDisconnects, 1, 'and one disconnect with reason slow_reader');

      // The readers beside it were never cut, and got each large entry within a second of its 201.
      await waitForReaders(beside, (r) => heavy.published.every((p) => r.arrivedAt.has(p.id)), 'get every large entry');
      let slowest = 0;
      for (const reader of beside) {
        assert.equal(reader.reconnects, 0, 'a reader beside the slow one kept its connection');
        for (const p of heavy.published) slowest = Math.max(slowest, reader.arrivedAt.get(p.id)! - p.answeredAt);
      }
      note('slowest beside ms', slowest);
      assert.ok(!counter.ended, 'the raw reader that kept reading kept its connection');
      counter.destroy();
      assert.ok(slowest <= NORMAL_DELIVERY_MS, `a reader beside the slow one got an entry ${slowest} ms after its 201`);
    });
  });
});
