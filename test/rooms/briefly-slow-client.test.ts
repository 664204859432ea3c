import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry } from '../../shared/index.js';
import { until } from '../live/fake-server.js';
import { entryIds, follow, reportedEvents } from '../live/support.js';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { metricValue } from '../support/metrics.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const BIG_BODY = '€'.repeat(20_000);

describe('a client-library reader that is briefly too slow', () => {
  let server: TestInstance;
  let proxy: TcpProxy;

  before(async () => {
    server = await startInstance();
    proxy = await startTcpProxy(server.port);
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it('when the instance cuts it, then it reconnects, catches up from its position and holds every entry once, in order', async () => {
    await createBlog(server.url, server.adminToken, { id: 'tunnel-ride', title: 'Tunnel ride' });
    const posted: Entry[] = [];
    const post = async (body: string): Promise<void> => {
      posted.push((await postEntry(server.url, server.adminToken, 'tunnel-ride', body)).entry);
    };
    await post('Before the tunnel');
    const f = follow(proxy.url, 'tunnel-ride');
    try {
      await until(() => f.client.connection === 'live' && f.blog.state?.entries.size === 1, 'the reader is live with the first entry');

      const cuts = (): Promise<number> =>
        metricValue(server.application.metrics.registry, 'liveblog_slow_reader_cuts_total', { cause: 'buffer' });
      const cutsBefore = await cuts();
      proxy.stall();
      while ((await cuts()) === cutsBefore) {
        assert.ok(posted.length < 200, 'the stalled reader was cut before 200 big entries');
        await post(BIG_BODY);
      }
      await post('While it is out of reach');
      proxy.resume();
      await post('After the tunnel');

      await until(() => f.blog.state?.entries.size === posted.length, 'the reader holds every entry', 15_000);
      assert.ok(f.states.includes('reconnecting'), `it saw the connection drop (${f.states.join(' → ')})`);
      assert.equal(f.client.connection, 'live');
      assert.deepEqual(entryIds(f.blog), posted.map((e) => e.id).reverse(), 'every entry, newest first');
      const created = reportedEvents(f.changes).flatMap((e) => (e.type === 'entry.created' ? [e.entry.id] : []));
      // the first entry came with the first snapshot; every later one as an event
      assert.deepEqual(created, posted.slice(1).map((e) => e.id), 'each later entry reported once, in order');
      assert.equal(
        await metricValue(server.application.metrics.registry, 'liveblog_reader_disconnects_total', { reason: 'slow_reader' }),
        1,
      );
    } finally {
      f.client.close();
    }
  });
});
