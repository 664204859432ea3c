import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { silentLogger } from '../../server/log/logger.js';
import { startMetricsServer, type MetricsServer } from '../../server/metrics/index.js';
import type { SubscribeAck } from '../../shared/index.js';
import { createBlog, postEntry } from '../support/api.js';
import { parseMetrics, type Scrape } from '../support/chaos/scrape.js';
import { eventually } from '../support/eventually.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

const READERS = 40;
const ENTRIES = 5;

describe('GET /metrics during a fan-out', () => {
  let redis: TestRedis;
  let server: TestInstance;
  let metricsServer: MetricsServer;
  const readers: Socket[] = [];

  const scrape = async (): Promise<Scrape> => {
    const res = await fetch(`http://127.0.0.1:${metricsServer.port}/metrics`);
    assert.equal(res.status, 200);
    return parseMetrics(await res.text());
  };

  before(async () => {
    redis = await startRedis();
    server = await startInstance({ redisUrl: redis.url });
    metricsServer = await startMetricsServer({ registry: server.application.metrics.registry, port: 0, host: '127.0.0.1', logger: silentLogger() });
    await createBlog(server.url, server.adminToken, { id: 'scraped', title: 'Scraped' });
  });
  after(async () => {
    for (const reader of readers) reader.close();
    await metricsServer.close();
    await server.close();
    await redis.close();
  });

  it('when readers follow a blog and entries are posted, then the scrape shows the readers, every delivery, the broadcasts, the lag, the answers and the requests', async () => {
    const before = await scrape();
    const received = new Map<Socket, number>();
    for (let i = 0; i < READERS; i += 1) {
      const reader = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      readers.push(reader);
      received.set(reader, 0);
      reader.on('update', () => received.set(reader, received.get(reader)! + 1));
      const ack = (await reader.emitWithAck('subscribe', { blogId: 'scraped' })) as SubscribeAck;
      assert.equal(ack.ok, true);
    }
    for (let i = 0; i < ENTRIES; i += 1) await postEntry(server.url, server.adminToken, 'scraped', `Entry ${i}`);
    await eventually(() => [...received.values()].every((n) => n === ENTRIES), 'every reader got every entry');

    const during = await scrape();
    assert.equal(during.require('liveblog_readers_connected'), READERS);
    assert.equal(during.require('liveblog_reader_subscriptions'), READERS);
    assert.equal(during.require('liveblog_blogs_with_readers'), 1);
    assert.equal(during.require('liveblog_reader_connections_total') - (before.value('liveblog_reader_connections_total') ?? 0), READERS);
    const direct = during.require('liveblog_deliveries_total', { path: 'direct' }) - before.require('liveblog_deliveries_total', { path: 'direct' });
    const viaEngine = during.require('liveblog_deliveries_total', { path: 'engine' }) - before.require('liveblog_deliveries_total', { path: 'engine' });
    assert.equal(direct + viaEngine, READERS * ENTRIES, 'each delivery counted once');
    assert.ok(direct >= READERS * (ENTRIES - 1), `WebSocket readers take the direct path (${direct} direct, ${viaEngine} via Engine.IO)`);
    assert.equal(during.require('liveblog_broadcast_duration_seconds_count'), ENTRIES, 'one broadcast per entry');
    assert.equal(during.require('liveblog_relay_lag_seconds_count'), ENTRIES);
    assert.ok(during.require('liveblog_relay_lag_seconds_bucket', { le: '1' }) === ENTRIES, 'every entry relayed within a second of its write');
    assert.ok(during.require('liveblog_markdown_render_duration_seconds_count') >= ENTRIES);
    assert.equal(
      during.require('liveblog_http_request_duration_seconds_count', { method: 'POST', route: '/api/blogs/:blogId/entries', status: '201' }),
      ENTRIES,
      'requests are labelled by route pattern',
    );
    const answers = during.sum('liveblog_catchup_answers_total') - before.sum('liveblog_catchup_answers_total');
    assert.equal(answers, READERS, 'one subscribe answer per reader');

    for (const reader of readers.splice(0)) reader.close();
    await eventually(async () => (await scrape()).require('liveblog_readers_connected') === 0, 'readers gone');
    const afterwards = await scrape();
    assert.equal(
      afterwards.require('liveblog_reader_disconnects_total', { reason: 'transport' }) + afterwards.require('liveblog_reader_disconnects_total', { reason: 'client' }),
      READERS,
      'each reader that left is counted once, by reason',
    );
  });
});
