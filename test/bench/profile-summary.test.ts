import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ownerOf, summarize, type CpuProfile } from '../../bench/profile-summary.js';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

/** root → subscribe (ours) → writev (native); root → ws's sendFrame; root → (idle); root → (garbage collector). */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4, 5, 6] },
    { id: 2, callFrame: frame('subscribe', 'file:///srv/liveblog/dist/server/rooms/subscribe.js'), children: [3] },
    { id: 3, callFrame: frame('writev') },
    { id: 4, callFrame: frame('sendFrame', 'file:///srv/liveblog/node_modules/engine.io/node_modules/ws/lib/sender.js') },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('(garbage collector)') },
  ],
  // one sample every 250 ms: at 0.25, 0.5, … 2 s
  samples: [3, 3, 4, 5, 6, 3, 5, 4],
  timeDeltas: Array.from({ length: 8 }, () => 250_000),
};

describe('bench profile summary', () => {
  it('when frames come from packages, the service or Node, then each gets its owner', () => {
    assert.equal(ownerOf(frame('x', 'file:///a/node_modules/socket.io/dist/socket.js')), 'socket.io');
    assert.equal(ownerOf(frame('x', 'file:///a/node_modules/engine.io/node_modules/ws/lib/sender.js')), 'ws');
    assert.equal(ownerOf(frame('x', 'file:///a/node_modules/@socket.io/component-emitter/index.js')), '@socket.io/component-emitter');
    assert.equal(ownerOf(frame('x', 'file:///a/dist/server/relay/blog-feed.js')), 'ours: relay/blog-feed');
    assert.equal(ownerOf(frame('x', 'node:net')), undefined);
  });

  it('when a profile is summed, then idle time is left out and native work counts for the code that asked for it', () => {
    const summary = summarize(profile);
    assert.equal(summary.busyMs, 1_500);
    assert.deepEqual(Object.fromEntries(summary.byOwner), { 'ours: rooms/subscribe': 750, ws: 500, '(garbage collector)': 250 });
    assert.deepEqual(summary.perSecond, [750, 500, 250]);
    assert.equal(summary.bySelf.get('writev'), 750);
  });

  it('when a window is given, then only its samples count', () => {
    const summary = summarize(profile, 1, 1.9);
    assert.equal(summary.busyMs, 500);
    assert.deepEqual(Object.fromEntries(summary.byOwner), { '(garbage collector)': 250, 'ours: rooms/subscribe': 250 });
  });
});
