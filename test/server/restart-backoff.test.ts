import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff } from '../../server/workers/restart-backoff.js';

describe('replacing a worker that died', () => {
  it('when each replacement dies soon, then the wait doubles up to the cap; when one ran a while, then the next starts at once', () => {
    const backoff = new RestartBackoff({ baseMs: 1_000, maxMs: 5_000, stableMs: 10_000 });
    const waits = [60_000, 300, 300, 300, 300, 300].map((lived) => backoff.next(lived));
    assert.deepEqual(waits, [0, 1_000, 2_000, 4_000, 5_000, 5_000]);
    assert.equal(backoff.next(10_000), 0, 'a worker that ran past stableMs resets the streak');
    assert.equal(backoff.next(300), 1_000);
  });
});
