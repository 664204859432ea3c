import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedLog } from '../client/fixtures.js';
import { settle, until } from './fake-server.js';
import { entryIds, entryOf, fakeServerSuite, follow, reportedEvents, type Followed } from './support.js';

/** A blog log with its creation (seq 1) and `n` entries (`e00001`…), like the store writes it. */
function logWith(blogId: string, epoch: string, n: number): ScriptedLog {
  const log = new ScriptedLog(blogId, epoch);
  log.blogUpdated();
  for (let i = 1; i <= n; i += 1) log.created(`e${String(i).padStart(5, '0')}`);
  return log;
}

describe('live client: event sequences against a scripted server', () => {
  const fake = fakeServerSuite();

  /** Follows `blogId` and answers its first subscribe with a snapshot of `log`. */
  async function followFromReset(log: ScriptedLog): Promise<Followed> {
    const count = fake.server.requests.length;
    const f = follow(fake.server.url, log.blogId);
    fake.track(f);
    const first = await fake.server.request(count);
    assert.deepEqual(first.request, { blogId: log.blogId });
    first.answer(log.resetAck());
    await until(() => f.blog.state !== undefined && f.client.connection === 'live', 'the first snapshot is applied');
    return f;
  }

  it('when subscribed from a rendered page, then it asks for the events after that position and applies them without a reset', async () => {
    const log = logWith('from-page', 'ep1', 2);
    const rendered = { snapshot: log.snapshotAt(), position: log.position };
    const count = fake.server.requests.length;
    const f = follow(fake.server.url, 'from-page', { from: rendered });
    fake.track(f);
    assert.deepEqual(entryIds(f.blog), ['e00002', 'e00001'], 'the rendered state is there before any answer');
    assert.equal(f.client.connection, 'catching-up');

    const first = await fake.server.request(count);
    assert.deepEqual(first.request, { blogId: 'from-page', epoch: 'ep1', after: 3 });
    log.created('e00003');
    log.created('e00004');
    first.answer(log.eventsAck(3));
    await until(() => f.blog.state?.position.seq === 5, 'the missed events are applied');

    assert.deepEqual(entryIds(f.blog), ['e00004', 'e00003', 'e00002', 'e00001']);
    assert.equal(f.changes.filter((c) => c.kind === 'reset').length, 0);
    assert.deepEqual(reportedEvents(f.changes).map((e) => e.seq), [4, 5]);
    await until(() => f.client.connection === 'live', 'the client is live');
  });

  it('when the same update arrives twice, or again after the answer that held it, then it is applied once', async () => {
    const log = logWith('dupes', 'ep1', 1);
    const f = await followFromReset(log);
    const e3 = log.created('e00003');
    fake.server.update(e3, e3);
    const e4 = log.created('e00004');
    fake.server.update(e4, e3, e4);
    await until(() => f.blog.state?.position.seq === 4, 'seq 4 is applied');
    await settle();

    assert.deepEqual(reportedEvents(f.changes).map((e) => e.seq), [3, 4]);
    assert.deepEqual(entryIds(f.blog), ['e00004', 'e00003', 'e00001']);
  });

  it('when an update skips seqs, then it catches up from its position, holds later updates meanwhile and drains them in order', async () => {
    const log = logWith('gaps', 'ep1', 1);
    const f = await followFromReset(log);
    const count = fake.server.requests.length;

    const e3 = log.created('e00003');
    log.created('e00004');
    log.created('e00005');
    const e6 = log.created('e00006');
    fake.server.update(e3, e6);
    const catchUp = await fake.server.request(count);
    assert.deepEqual(catchUp.request, { blogId: 'gaps', epoch: 'ep1', after: 3 });
    await until(() => f.client.connection === 'catching-up', 'the client reports catching up');

    const e7 = log.created('e00007');
    const e8 = log.created('e00008');
    fake.server.update(e7, e8);
    await settle(50);
    assert.equal(f.blog.state?.position.seq, 3, 'nothing after the gap is applied before the answer');

    catchUp.answer(log.eventsAck(3, 6));
    await until(() => f.blog.state?.position.seq === 8, 'the held updates are drained');

    assert.deepEqual(reportedEvents(f.changes).map((e) => e.seq), [3, 4, 5, 6, 7, 8]);
    assert.deepEqual(entryIds(f.blog), ['e00008', 'e00007', 'e00006', 'e00005', 'e00004', 'e00003', 'e00001']);
    await until(() => f.client.connection === 'live', 'the client is live again');
    assert.equal(fake.server.requests.length, count + 1, 'one catch-up was enough');
  });

  it('when updates arrive out of order, then each is applied once, in seq order', async () => {
    const log = logWith('disorder', 'ep1', 1);
    const f = await followFromReset(log);
    const count = fake.server.requests.length;
    const e3 = log.created('e00003');
    const e4 = log.created('e00004');
    const e5 = log.created('e00005');
    fake.server.update(e5, e3, e4);
    const catchUp = await fake.server.request(count);
    assert.deepEqual(catchUp.request, { blogId: 'disorder', epoch: 'ep1', after: 2 });
    catchUp.answer(log.eventsAck(2));
    await until(() => f.blog.state?.position.seq === 5, 'seq 5 is applied');
    await settle();

    assert.deepEqual(reportedEvents(f.changes).map((e) => e.seq), [3, 4, 5]);
    assert.deepEqual(entryIds(f.blog), ['e00005', 'e00004', 'e00003', 'e00001']);
  });

  it('when a catch-up is answered with a reset, then the state is replaced and later updates apply on top', async () => {
    const log = logWith('too-far', 'ep1', 2);
    const f = await followFromReset(log);
    const count = fake.server.requests.length;
    for (let i = 4; i <= 9; i += 1) log.created(`e0000${i}`);
    fake.server.update(log.events[8]!);
    const catchUp = await fake.server.request(count);
    assert.deepEqual(catchUp.request, { blogId: 'too-far', epoch: 'ep1', after: 3 });
    catchUp.answer(log.resetAck());
    await until(() => f.blog.state?.position.seq === 9, 'the reset is applied');
    const e10 = log.created('e00010');
    fake.server.update(e10);
    await until(() => f.blog.state?.position.seq === 10, 'the next update is applied');

    const kinds = f.changes.map((c) => c.kind);
    assert.deepEqual(kinds, ['reset', 'reset', 'event']);
    assert.equal(entryIds(f.blog).length, 9);
    assert.equal(new Set(entryIds(f.blog)).size, 9, 'no entry twice');
  });

  it('when an update of another epoch arrives, then it resubscribes from its old position and takes the reset of the new log', async () => {
    const old = logWith('epochs', 'old', 2);
    const f = await followFromReset(old);
    const count = fake.server.requests.length;
    const renewed = logWith('epochs', 'new', 1);
    fake.server.update(renewed.created('n00002'));
    const again = await fake.server.request(count);
    assert.deepEqual(again.request, { blogId: 'epochs', epoch: 'old', after: 3 });
    again.answer(renewed.resetAck());
    await until(() => f.blog.state?.position.epoch === 'new', 'the new epoch is adopted');

    assert.deepEqual(entryIds(f.blog), ['n00002', 'e00001']);
    assert.equal(f.changes.at(-1)?.kind, 'reset');

    // a straggler of the old log changes nothing
    fake.server.update(old.created('e00003'));
    const check = await fake.server.request(count + 1);
    assert.deepEqual(check.request, { blogId: 'epochs', epoch: 'new', after: 3 });
    check.answer(renewed.eventsAck(3));
    await until(() => f.client.connection === 'live', 'live again');
    assert.deepEqual(entryIds(f.blog), ['n00002', 'e00001']);
  });

  it('when an older version of an entry arrives after a newer one, then the newer stays; a deleted entry does not come back', async () => {
    const log = logWith('versions', 'ep1', 1);
    const f = await followFromReset(log);
    fake.server.update(log.updated('e00001', 3, { body: 'third' }));
    fake.server.update(log.updated('e00001', 2, { body: 'second' }));
    await until(() => f.blog.state?.position.seq === 4, 'both edits are processed');
    assert.equal(entryOf(f.blog, 'e00001')?.version, 3);
    assert.equal(entryOf(f.blog, 'e00001')?.body, 'third');
    assert.deepEqual(reportedEvents(f.changes).map((e) => e.seq), [3], 'the stale edit is not reported');

    fake.server.update(log.deleted('e00001'));
    await until(() => f.blog.state?.position.seq === 5, 'the delete is applied');
    const deletion = f.changes.at(-1);
    assert.ok(deletion?.kind === 'event' && deletion.event.type === 'entry.deleted');
    assert.equal(deletion.previous?.version, 3, 'the change says what disappeared');

    fake.server.update(log.updated('e00001', 4, { body: 'late edit' }));
    await until(() => f.blog.state?.position.seq === 6, 'the late edit is processed');
    assert.equal(entryOf(f.blog, 'e00001'), undefined);
    assert.deepEqual(entryIds(f.blog), []);
  });

  it('when updates of two blogs share one connection, then each blog applies only its own', async () => {
    const a = logWith('blog-a', 'ea', 0);
    const b = logWith('blog-b', 'eb', 0);
    const count = fake.server.requests.length;
    const f = follow(fake.server.url, 'blog-a');
    fake.track(f);
    const blogB = f.client.subscribe('blog-b');
    assert.equal(f.client.subscribe('blog-b'), blogB, 'subscribing twice returns the same blog');
    for (const index of [count, count + 1]) {
      const held = await fake.server.request(index);
      held.answer((held.request as { blogId: string }).blogId === 'blog-a' ? a.resetAck() : b.resetAck());
    }
    await until(() => f.blog.state !== undefined && blogB.state !== undefined, 'both blogs have a state');
    fake.server.update(a.created('aaaaaa1'), b.created('bbbbbb1'), b.created('bbbbbb2'));
    await until(() => blogB.state?.position.seq === 3 && f.blog.state?.position.seq === 2, 'both blogs are current');
    assert.deepEqual(entryIds(f.blog), ['aaaaaa1']);
    assert.deepEqual(entryIds(blogB), ['bbbbbb2', 'bbbbbb1']);
  });
});
