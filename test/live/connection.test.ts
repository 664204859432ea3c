import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedLog } from '../client/fixtures.js';
import type { LiveBlogError } from '../../client/live/index.js';
import { settle, until } from './fake-server.js';
import { entryIds, FakeDocument, fakeServerSuite, FakeWindow, follow, reportedEvents } from './support.js';

function logWith(blogId: string, n: number): ScriptedLog {
  const log = new ScriptedLog(blogId, 'ep1');
  log.blogUpdated();
  for (let i = 1; i <= n; i += 1) log.created(`e${String(i).padStart(5, '0')}`);
  return log;
}

describe('live client: connection, retries and the browser around it', () => {
  const fake = fakeServerSuite();

  it('when a subscribe is refused as unavailable or rate limited, then it is asked again after a pause and the client stays catching up', async () => {
    const log = logWith('retry', 1);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'retry'));
    const first = await fake.server.request(count);
    first.answer({ ok: false, error: { code: 'unavailable', message: 'store down' } });
    const second = await fake.server.request(count + 1);
    assert.deepEqual(second.request, first.request);
    second.answer({ ok: false, error: { code: 'rate_limited', message: 'slow down' } });
    const third = await fake.server.request(count + 2);
    assert.deepEqual(third.request, { blogId: 'retry' });
    assert.ok(!f.states.includes('live'), `never live before an answer succeeded: ${f.states.join(' → ')}`);
    assert.equal(f.client.connection, 'catching-up');
    assert.equal(f.changes.length, 0);

    third.answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live after the successful answer');
    assert.deepEqual(entryIds(f.blog), ['e00001']);
    assert.equal(f.blog.error, undefined);
  });

  it('when an answer is malformed, then it is ignored and asked again', async () => {
    const log = logWith('malformed', 1);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'malformed'));
    const first = await fake.server.request(count);
    first.answer({ ok: true, nonsense: 1 } as never);
    const second = await fake.server.request(count + 1);
    second.answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live after the valid answer');
    assert.deepEqual(f.changes.map((c) => c.kind), ['reset']);
  });

  it('when the blog does not exist, then nothing is reported as a change, the blog says why and is not asked again', async () => {
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'no-such-blog'));
    const errors: LiveBlogError[] = [];
    f.blog.onError((e) => errors.push(e));
    (await fake.server.request(count)).answer({ ok: false, error: { code: 'blog_not_found', message: 'no blog "no-such-blog"' } });
    await until(() => f.blog.error !== undefined, 'the error is exposed');
    await settle(600);

    assert.equal(f.blog.error?.code, 'blog_not_found');
    assert.deepEqual(errors.map((e) => e.code), ['blog_not_found']);
    assert.equal(f.changes.length, 0);
    assert.equal(f.blog.state, undefined);
    assert.equal(fake.server.requests.length, count + 1, 'a refused blog is not retried');
    assert.equal(f.client.connection, 'live', 'a stopped blog does not keep the client catching up');

    const retried = f.client.subscribe('no-such-blog');
    assert.notEqual(retried, f.blog, 'subscribing again to a refused blog is a new attempt');
    assert.deepEqual((await fake.server.request(count + 1)).request, { blogId: 'no-such-blog' });
  });

  it('when the page becomes visible after being hidden, then every blog checks its position', async () => {
    const log = logWith('visibility', 2);
    const document = new FakeDocument();
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'visibility', {}, { environment: { document } }));
    (await fake.server.request(count)).answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live');

    document.set('visible');
    document.set('hidden');
    await settle();
    assert.equal(fake.server.requests.length, count + 1, 'neither staying visible nor hiding asks anything');

    document.set('visible');
    const check = await fake.server.request(count + 1);
    assert.deepEqual(check.request, { blogId: 'visibility', epoch: 'ep1', after: 3 });
    log.created('e00003');
    check.answer(log.eventsAck(3));
    await until(() => f.blog.state?.position.seq === 4, 'the missed entry arrives');
    assert.deepEqual(entryIds(f.blog), ['e00003', 'e00002', 'e00001']);

    f.client.close();
    assert.equal(document.listenerCount, 0, 'closing the client stops listening to the page');
  });

  it('when the browser says offline, then the state is offline; when back online, it is live again', async () => {
    const log = logWith('online', 0);
    const window = new FakeWindow(false);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'online', {}, { environment: { window } }));
    assert.equal(f.client.connection, 'offline');
    (await fake.server.request(count)).answer(log.resetAck());
    await settle(100);
    assert.equal(f.client.connection, 'offline', 'the browser saying offline wins over a working socket');

    window.set(true);
    assert.equal(f.client.connection, 'live');
    window.set(false);
    assert.equal(f.client.connection, 'offline');
    window.set(true);
    assert.deepEqual(f.states, ['offline', 'live', 'offline', 'live']);
  });

  it('when the browser comes back online while the socket is down, then it reconnects at once instead of waiting out the backoff', async () => {
    const log = logWith('back-online', 1);
    const window = new FakeWindow(true);
    const count = fake.server.requests.length;
    const f = fake.track(
      follow(fake.server.url, 'back-online', {}, {
        environment: { window },
        // a day: the first reconnect is spread from 0 ms on, so only a long window makes an early one unlikely enough
        reconnect: { windowMs: 86_400_000, retryMs: 86_400_000, maxMs: 86_400_000 },
      }),
    );
    (await fake.server.request(count)).answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live');

    const mine = fake.server.requests[count]?.socket;
    window.set(false);
    mine?.conn.close();
    await until(() => !fake.server.sockets.some((s) => s === mine), 'the socket is down');
    assert.equal(f.client.connection, 'offline');
    await settle(100);
    assert.equal(fake.server.requests.length, count + 1, 'the client waits for its (long) reconnect delay');

    window.set(true);
    const again = await fake.server.request(count + 1, 3_000);
    assert.deepEqual(again.request, { blogId: 'back-online', epoch: 'ep1', after: 2 });
    again.answer(log.eventsAck(2));
    await until(() => f.client.connection === 'live', 'live again');
  });

  it('when the server disconnects the client (an instance shutting down), then it reconnects, resubscribes from its position and goes live', async () => {
    const log = logWith('kicked', 1);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'kicked'));
    (await fake.server.request(count)).answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live');

    const mine = fake.server.requests[count]?.socket;
    mine?.disconnect(true);
    const again = await fake.server.request(count + 1);
    assert.notEqual(again.socket, mine, 'a new connection');
    assert.deepEqual(again.request, { blogId: 'kicked', epoch: 'ep1', after: 2 });
    log.created('e00002');
    again.answer(log.eventsAck(2));
    await until(() => f.client.connection === 'live' && f.blog.state?.position.seq === 3, 'live and current');

    const afterKick = f.states.slice(f.states.lastIndexOf('reconnecting'));
    assert.deepEqual(afterKick, ['reconnecting', 'catching-up', 'live']);
    assert.deepEqual(reportedEvents(f.changes).map((e) => e.seq), [3]);
  });

  it('when the connection drops under the client, then socket.io reconnects and the client resubscribes from its position', async () => {
    const log = logWith('dropped', 1);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'dropped'));
    (await fake.server.request(count)).answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live');

    fake.server.requests[count]?.socket.conn.close();
    const again = await fake.server.request(count + 1);
    assert.deepEqual(again.request, { blogId: 'dropped', epoch: 'ep1', after: 2 });
    again.answer(log.eventsAck(2));
    await until(() => f.client.connection === 'live', 'live again');
    assert.ok(f.states.includes('reconnecting'));
  });

  it('when the server counts readers, then the blog exposes the count of its own blog only', async () => {
    const log = logWith('counted', 0);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'counted'));
    const counts: number[] = [];
    f.blog.onReaders((n) => counts.push(n));
    (await fake.server.request(count)).answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live');

    fake.server.readers({ blogId: 'another-blog', count: 99 });
    fake.server.readers({ blogId: 'counted', count: 7 });
    await until(() => f.blog.readers === 7, 'the count arrives');
    fake.server.readers({ blogId: 'counted', count: 8 });
    await until(() => f.blog.readers === 8, 'the next count arrives');
    assert.deepEqual(counts, [7, 8]);
  });

  it('when a blog is closed, then the server is told and later updates are not reported; closing the client disconnects', async () => {
    const log = logWith('closing', 0);
    const count = fake.server.requests.length;
    const f = fake.track(follow(fake.server.url, 'closing'));
    (await fake.server.request(count)).answer(log.resetAck());
    await until(() => f.client.connection === 'live', 'live');
    const socket = fake.server.requests[count]?.socket;

    f.blog.close();
    await until(() => fake.server.unsubscribes.some((u) => JSON.stringify(u) === '{"blogId":"closing"}'), 'the server got the unsubscribe');
    fake.server.update(log.created('e00001'));
    await settle();
    assert.deepEqual(f.changes.map((c) => c.kind), ['reset']);

    f.client.close();
    await until(() => !fake.server.sockets.includes(socket!), 'the connection is closed');
    assert.throws(() => f.client.subscribe('closing'), /closed/);
  });
});
