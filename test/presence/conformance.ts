import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { PresenceStore } from '../../server/presence/index.js';

export interface PresenceHarness {
  store: PresenceStore;
  close(): Promise<void>;
}

const LONG_TTL = 60_000;

function blog(): string {
  return `presence-${randomUUID().slice(0, 8)}`;
}

/**
 * The contract both `PresenceStore` twins keep, run against each.
 *
 * @example
 * presenceStoreConformance('MemoryPresenceStore', async () => ({ store: new MemoryPresenceStore(), close: async () => {} }));
 */
export function presenceStoreConformance(name: string, make: () => Promise<PresenceHarness>): void {
  describe(`${name} keeps the PresenceStore contract`, () => {
    let harness: PresenceHarness;
    let store: PresenceStore;
    beforeEach(async () => {
      harness = await make();
      store = harness.store;
    });
    afterEach(() => harness.close());

    it('when several instances report a blog, then each gets the total across all of them', async () => {
      const id = blog();
      assert.deepEqual(await store.report('a', new Map([[id, 3]]), LONG_TTL), new Map([[id, 3]]));
      assert.deepEqual(await store.report('b', new Map([[id, 2]]), LONG_TTL), new Map([[id, 5]]));
      assert.deepEqual(await store.report('c', new Map([[id, 1]]), LONG_TTL), new Map([[id, 6]]));
    });

    it('when an instance reports again, then its new count replaces its old one', async () => {
      const id = blog();
      await store.report('a', new Map([[id, 3]]), LONG_TTL);
      await store.report('b', new Map([[id, 2]]), LONG_TTL);
      assert.deepEqual(await store.report('a', new Map([[id, 7]]), LONG_TTL), new Map([[id, 9]]));
      assert.deepEqual(await store.report('a', new Map([[id, 1]]), LONG_TTL), new Map([[id, 3]]));
    });

    it('when an instance reports 0, then its readers stop counting at once', async () => {
      const id = blog();
      await store.report('a', new Map([[id, 4]]), LONG_TTL);
      await store.report('b', new Map([[id, 2]]), LONG_TTL);
      assert.deepEqual(await store.report('a', new Map([[id, 0]]), LONG_TTL), new Map([[id, 2]]));
      assert.deepEqual(await store.report('b', new Map([[id, 0]]), LONG_TTL), new Map([[id, 0]]));
    });

    it('when several blogs are reported at once, then each gets its own total and other blogs are untouched', async () => {
      const [x, y, z] = [blog(), blog(), blog()];
      await store.report('b', new Map([[x, 10], [z, 5]]), LONG_TTL);
      const totals = await store.report('a', new Map([[x, 1], [y, 2]]), LONG_TTL);
      assert.deepEqual(totals, new Map([[x, 11], [y, 2]]));
      assert.deepEqual(await store.report('c', new Map([[z, 0]]), LONG_TTL), new Map([[z, 5]]));
    });

    it('when an instance stops refreshing, then its count expires after the TTL', async () => {
      const id = blog();
      await store.report('dies', new Map([[id, 5]]), 50);
      assert.deepEqual(await store.report('lives', new Map([[id, 1]]), LONG_TTL), new Map([[id, 6]]));
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.deepEqual(await store.report('lives', new Map([[id, 1]]), LONG_TTL), new Map([[id, 1]]));
    });

    it('when nothing is reported, then nothing is returned', async () => {
      assert.deepEqual(await store.report('a', new Map(), LONG_TTL), new Map());
    });

    it('when a report is impossible, then it is refused as a bug', async () => {
      const id = blog();
      await assert.rejects(store.report('a', new Map([[id, -1]]), LONG_TTL), RangeError);
      await assert.rejects(store.report('a', new Map([[id, 1.5]]), LONG_TTL), RangeError);
      await assert.rejects(store.report('a', new Map([[id, 1]]), 0), RangeError);
      await assert.rejects(store.report('', new Map([[id, 1]]), LONG_TTL), RangeError);
    });
  });
}
