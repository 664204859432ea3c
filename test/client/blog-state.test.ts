import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyBuffered,
  applyEvent,
  applyOlderPage,
  applySubscribeAck,
  fromSnapshot,
  sortedEntries,
  type BlogState,
} from '../../client/state/index.js';
import type { BlogEvent } from '../../shared/index.js';
import { ScriptedLog, makeEntry } from './fixtures.js';

const BLOG = 'election-night';

/** A log with the header at seq 1 and entries aaaaaa, bbbbbb, cccccc at seqs 2-4. */
function threeEntries(epoch = 'epoch1'): ScriptedLog {
  const log = new ScriptedLog(BLOG, epoch);
  log.blogUpdated();
  log.created('aaaaaa');
  log.created('bbbbbb');
  log.created('cccccc');
  return log;
}

function resetTo(log: ScriptedLog, seq = log.events.length): BlogState {
  const result = applySubscribeAck(undefined, log.resetAck(seq));
  assert.equal(result.outcome, 'reset');
  return result.state;
}

/** Applies each event and returns the final state and the outcomes, in order. */
function feed(state: BlogState, events: BlogEvent[]): { state: BlogState; outcomes: string[] } {
  const outcomes: string[] = [];
  let current = state;
  for (const event of events) {
    const result = applyEvent(current, event);
    current = result.state;
    outcomes.push(result.outcome);
  }
  return { state: current, outcomes };
}

function ids(state: BlogState): string[] {
  return sortedEntries(state, 'newest').map((e) => e.id);
}

describe('client state: subscribe acks', () => {
  it('when a reset ack arrives, then the state is its snapshot at its position, newest first', () => {
    const log = threeEntries();
    const result = applySubscribeAck(undefined, log.resetAck(4, '17'));
    assert.equal(result.outcome, 'reset');
    assert.deepEqual(result.state.position, { epoch: 'epoch1', seq: 4 });
    assert.deepEqual(ids(result.state), ['cccccc', 'bbbbbb', 'aaaaaa']);
    assert.deepEqual(sortedEntries(result.state, 'oldest').map((e) => e.id), ['aaaaaa', 'bbbbbb', 'cccccc']);
    assert.equal(result.state.olderCursor, '17');
    assert.equal(result.state.blog.title, 'Election night');
  });

  it('when an events ack arrives, then its events are applied in order and duplicates dropped', () => {
    const log = threeEntries();
    const state = resetTo(log, 2);
    log.created('dddddd');
    const result = applySubscribeAck(state, log.eventsAck(1));
    assert.equal(result.outcome, 'caught-up');
    assert.deepEqual(result.applied.map((e) => e.seq), [3, 4, 5]);
    assert.deepEqual(result.state.position, { epoch: 'epoch1', seq: 5 });
    assert.deepEqual(ids(result.state), ['dddddd', 'cccccc', 'bbbbbb', 'aaaaaa']);
  });

  it('when an events ack stops short of its own position, then it reports a gap after applying what joins', () => {
    const log = threeEntries();
    const state = resetTo(log, 2);
    const short = { ...log.eventsAck(2), events: log.between(2, 3) };
    const result = applySubscribeAck(state, short);
    assert.equal(result.outcome, 'gap');
    assert.deepEqual(result.state.position, { epoch: 'epoch1', seq: 3 });
  });

  it('when an events ack does not join the position, then it reports a gap and applies nothing', () => {
    const log = threeEntries();
    const state = resetTo(log, 1);
    const result = applySubscribeAck(state, log.eventsAck(2));
    assert.equal(result.outcome, 'gap');
    assert.equal(result.state, state);
    assert.deepEqual(result.applied, []);
  });

  it('when an events ack is for another epoch, or there is no state, then nothing is applied', () => {
    const state = resetTo(threeEntries('epoch1'));
    const other = threeEntries('epoch2');
    const changed = applySubscribeAck(state, other.eventsAck(2));
    assert.equal(changed.outcome, 'epoch-changed');
    assert.equal(changed.state, state);
    const none = applySubscribeAck(undefined, other.eventsAck(2));
    assert.equal(none.outcome, 'no-state');
    assert.equal(none.state, undefined);
  });
});

describe('client state: live events', () => {
  it('when events arrive in order, then each is applied and the position follows', () => {
    const log = threeEntries();
    const { state, outcomes } = feed(resetTo(log, 1), log.between(1));
    assert.deepEqual(outcomes, ['applied', 'applied', 'applied']);
    assert.deepEqual(state.position, { epoch: 'epoch1', seq: 4 });
    assert.deepEqual(ids(state), ['cccccc', 'bbbbbb', 'aaaaaa']);
  });

  it('when an event is delivered twice, then the second is a duplicate and changes nothing', () => {
    const log = threeEntries();
    const first = feed(resetTo(log, 2), log.between(2));
    const again = applyEvent(first.state, log.events[2]!);
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.state, first.state);
    const older = applyEvent(first.state, log.events[0]!);
    assert.equal(older.outcome, 'duplicate');
    assert.equal(ids(first.state).filter((id) => id === 'bbbbbb').length, 1);
  });

  it('when an event skips a seq, then it is a gap and is not applied', () => {
    const log = threeEntries();
    const state = resetTo(log, 2);
    const result = applyEvent(state, log.events[3]!);
    assert.equal(result.outcome, 'gap');
    assert.equal(result.state, state);
    assert.ok(!result.state.entries.has('cccccc'));
  });

  it('when events arrive out of order, then buffering and draining after a catch-up gives the in-order state', () => {
    const log = threeEntries();
    log.updated('aaaaaa', 2, { body: 'edited' });
    log.deleted('bbbbbb');
    log.created('dddddd');
    const start = resetTo(log, 1);
    const inOrder = feed(start, log.between(1)).state;

    // 5, 3 and 7 arrive first (3 is a gap too: 2 is missing), then the catch-up brings 2..4
    let buffer: BlogEvent[] = [];
    for (const seq of [5, 3, 7, 3]) {
      const result = applyEvent(start, log.events[seq - 1]!);
      assert.equal(result.outcome, 'gap');
      buffer.push(log.events[seq - 1]!);
    }
    const caughtUp = applySubscribeAck(start, log.eventsAck(1, 4));
    assert.equal(caughtUp.outcome, 'caught-up');
    let drained = applyBuffered(caughtUp.state, buffer);
    assert.equal(drained.outcome, 'gap', 'seq 6 is still missing');
    assert.deepEqual(drained.applied.map((e) => e.seq), [5]);
    assert.deepEqual(drained.kept.map((e) => e.seq), [7]);
    buffer = drained.kept;

    const second = applySubscribeAck(drained.state, log.eventsAck(5, 6));
    assert.ok(second.outcome === 'caught-up');
    drained = applyBuffered(second.state, buffer);
    assert.equal(drained.outcome, 'drained');
    assert.deepEqual(drained.state.position, inOrder.position);
    assert.deepEqual(sortedEntries(drained.state, 'newest'), sortedEntries(inOrder, 'newest'));
    assert.deepEqual(ids(drained.state), ['dddddd', 'cccccc', 'aaaaaa']);
  });

  it('when an event carries another epoch, then it is not applied and the reset that follows replaces the state', () => {
    const old = threeEntries('epoch1');
    old.deleted('aaaaaa');
    const state = resetTo(old);
    const fresh = new ScriptedLog(BLOG, 'epoch2');
    fresh.blogUpdated({ title: 'Back from a restore' });
    fresh.created('aaaaaa');
    fresh.created('eeeeee');

    const result = applyEvent(state, fresh.events[2]!);
    assert.equal(result.outcome, 'epoch-changed');
    assert.equal(result.state, state);

    const reset = applySubscribeAck(state, fresh.resetAck());
    assert.equal(reset.outcome, 'reset');
    assert.deepEqual(reset.state.position, { epoch: 'epoch2', seq: 3 });
    assert.deepEqual(ids(reset.state), ['eeeeee', 'aaaaaa'], 'an entry deleted in the old epoch may live in the new one');
    assert.equal(reset.state.blog.title, 'Back from a restore');
    const drained = applyBuffered(reset.state, [fresh.events[2]!, old.events[3]!]);
    assert.equal(drained.outcome, 'epoch-changed', 'an old-epoch straggler is dropped and reported');
    assert.deepEqual(drained.applied, []);
    assert.deepEqual(drained.kept, []);
  });

  it('when an older version of an entry arrives after a newer one, then the newer one stays', () => {
    const log = threeEntries();
    log.updated('aaaaaa', 3, { body: 'third version' });
    log.updated('aaaaaa', 2, { body: 'second version' });
    const { state, outcomes } = feed(resetTo(log, 4), log.between(4));
    assert.deepEqual(outcomes, ['applied', 'applied']);
    assert.deepEqual(state.position, { epoch: 'epoch1', seq: 6 }, 'the position moves even when the entry does not');
    assert.equal(state.entries.get('aaaaaa')?.body, 'third version');
    assert.equal(state.entries.get('aaaaaa')?.version, 3);

    const page = log.page([makeEntry(BLOG, 'aaaaaa', { version: 1 })], null, 4);
    const paged = applyOlderPage({ ...state, olderCursor: '2' }, page, '2');
    assert.equal(paged.outcome, 'merged');
    assert.equal(paged.state.entries.get('aaaaaa')?.version, 3);
  });

  it('when an entry is deleted and a late update of it arrives, then it does not come back', () => {
    const log = threeEntries();
    const stale = log.updated('bbbbbb', 2, { body: 'late edit' });
    log.deleted('bbbbbb');
    const { state: full, outcomes } = feed(resetTo(log, 4), log.between(4));
    assert.deepEqual(outcomes, ['applied', 'applied']);
    assert.ok(!full.entries.has('bbbbbb'));

    // the edit delivered again after the delete
    const late = applyEvent(full, stale);
    assert.equal(late.outcome, 'duplicate');
    assert.ok(!late.state.entries.has('bbbbbb'));

    // a page read before the delete, merged after it
    const page = log.page([makeEntry(BLOG, 'bbbbbb', { version: 2 })], null, 5);
    const merged = applyOlderPage({ ...full, olderCursor: '3' }, page, '3');
    assert.equal(merged.outcome, 'merged');
    assert.ok(!merged.state.entries.has('bbbbbb'));
    assert.ok(!merged.state.order.includes('bbbbbb'));

    // and through a reset in the same epoch, a page read before it still cannot resurrect it
    const reset = applySubscribeAck({ ...full, olderCursor: '3' }, log.resetAck(6, '3'));
    assert.ok(reset.outcome === 'reset');
    const afterReset = applyOlderPage(reset.state, page, '3');
    assert.equal(afterReset.outcome, 'merged');
    assert.ok(!afterReset.state.entries.has('bbbbbb'));
  });

  it('when a blog.updated arrives, then the header is replaced and the entries kept', () => {
    const log = threeEntries();
    log.blogUpdated({ title: 'Election night: results', keyPoints: ['Turnout up'], status: 'ended', updatedAt: '2025-01-01T13:00:00.000Z' });
    const { state, outcomes } = feed(resetTo(log, 4), log.between(4));
    assert.deepEqual(outcomes, ['applied']);
    assert.equal(state.blog.title, 'Election night: results');
    assert.deepEqual(state.blog.keyPoints, ['Turnout up']);
    assert.equal(state.blog.status, 'ended');
    assert.equal(state.entries.size, 3);
  });

  it('when an entry is pinned, then it stays in its place among the others', () => {
    const log = threeEntries();
    log.updated('aaaaaa', 2, { pinned: true });
    const { state } = feed(resetTo(log, 4), log.between(4));
    assert.deepEqual(ids(state), ['cccccc', 'bbbbbb', 'aaaaaa']);
    assert.equal(state.entries.get('aaaaaa')?.pinned, true);
  });

  it('when an event for another blog is applied, then it throws', () => {
    const state = resetTo(threeEntries());
    const other = new ScriptedLog('other-blog', 'epoch1');
    assert.throws(() => applyEvent(state, other.blogUpdated()), RangeError);
  });
});

describe('client state: older pages', () => {
  it('when an older page is merged, then it goes below the loaded entries and the position does not move', () => {
    const log = threeEntries();
    const state = resetTo(log, 4);
    const withCursor = { ...state, olderCursor: '2' };
    const page = log.page([makeEntry(BLOG, 'zzzzz2'), makeEntry(BLOG, 'zzzzz1')], '1', 9);
    const result = applyOlderPage(withCursor, page, '2');
    assert.equal(result.outcome, 'merged');
    assert.deepEqual(ids(result.state), ['cccccc', 'bbbbbb', 'aaaaaa', 'zzzzz2', 'zzzzz1']);
    assert.deepEqual(result.state.position, state.position);
    assert.equal(result.state.olderCursor, '1');
  });

  it('when an old entry is edited before its page is loaded, then it waits at the end and then takes its place', () => {
    const log = threeEntries();
    log.updated('zzzzz2', 4, { pinned: true });
    const { state } = feed({ ...resetTo(log, 4), olderCursor: '2' }, log.between(4));
    assert.deepEqual(ids(state), ['cccccc', 'bbbbbb', 'aaaaaa', 'zzzzz2']);
    assert.ok(state.unpaged.has('zzzzz2'));

    const page = log.page([makeEntry(BLOG, 'zzzzz3'), makeEntry(BLOG, 'zzzzz2', { version: 3 }), makeEntry(BLOG, 'zzzzz1')], null, 4);
    const result = applyOlderPage(state, page, '2');
    assert.deepEqual(ids(result.state), ['cccccc', 'bbbbbb', 'aaaaaa', 'zzzzz3', 'zzzzz2', 'zzzzz1']);
    assert.equal(result.state.entries.get('zzzzz2')?.version, 4);
    assert.equal(result.state.unpaged.size, 0);
  });

  it('when a page was asked with an outdated cursor or comes from another epoch, then it is ignored', () => {
    const log = threeEntries();
    const state = { ...resetTo(log, 4), olderCursor: '2' };
    const page = log.page([makeEntry(BLOG, 'zzzzz1')], null);
    assert.equal(applyOlderPage(state, page, '5').outcome, 'stale');
    assert.equal(applyOlderPage({ ...state, olderCursor: null }, page, '2').outcome, 'stale');
    const foreign = { ...page, position: { epoch: 'epoch9', seq: 1 } };
    const result = applyOlderPage(state, foreign, '2');
    assert.equal(result.outcome, 'epoch-changed');
    assert.equal(result.state, state);
  });

  it('when a snapshot lists an entry twice, then it is shown once', () => {
    const log = threeEntries();
    const snapshot = log.snapshotAt();
    const state = fromSnapshot({ ...snapshot, entries: [...snapshot.entries, snapshot.entries[0]!] }, log.position);
    assert.deepEqual(ids(state), ['cccccc', 'bbbbbb', 'aaaaaa']);
  });
});
