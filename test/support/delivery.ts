import assert from 'node:assert/strict';
import type { BlogEvent } from '../../shared/index.js';

/**
 * Checks the sequence a reader applied: within each epoch the seqs run +1 without
 * a gap or a repeat, and every `entry.created` of `expectedIds` appears exactly once, in order.
 *
 * @example
 * assertAppliedInOrderOnce(reader.applied, posted.map((p) => p.entry.id));
 */
export function assertAppliedInOrderOnce(applied: readonly BlogEvent[], expectedIds: readonly string[]): void {
  for (let i = 1; i < applied.length; i += 1) {
    const prev = applied[i - 1]!;
    const cur = applied[i]!;
    if (cur.epoch === prev.epoch) {
      assert.equal(cur.seq, prev.seq + 1, `seq ${cur.seq} follows ${prev.seq}: a gap or a repeat`);
    }
  }
  const created = applied.flatMap((e) => (e.type === 'entry.created' ? [e.entry.id] : []));
  const wanted = new Set(expectedIds);
  assert.deepEqual(
    created.filter((id) => wanted.has(id)),
    [...expectedIds],
    'every posted entry arrives exactly once and in order',
  );
}

/** Asserts no (epoch, seq) was delivered twice to the reader. */
export function assertNoDuplicateDeliveries(received: readonly BlogEvent[]): void {
  const seen = new Set<string>();
  for (const e of received) {
    const key = `${e.epoch}:${e.seq}`;
    assert.ok(!seen.has(key), `event ${key} delivered twice`);
    seen.add(key);
  }
}
