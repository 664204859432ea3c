import type { BlogEvent, SubscribeAck } from '../../shared/index.js';
import { fromSnapshot, type BlogState } from './blog-state.js';
import { applyEvent } from './apply-event.js';

/** A successful `subscribe` answer; errors are the caller's to handle before reducing. */
export type SubscribeAckOk = Extract<SubscribeAck, { ok: true }>;

/**
 * What became of a subscribe answer:
 * - `reset`: the state was replaced by the snapshot.
 * - `caught-up`: its events were applied (duplicates dropped); the state is at the answer's position.
 * - `gap`: its events did not join the state's position or stopped short of the answer's position;
 *   what joined was applied. Subscribe again from the state's position.
 * - `epoch-changed`: the answer is for another epoch without a snapshot; nothing applied.
 *   Subscribe again without a position to get a reset.
 * - `no-state`: events without a state to apply them to; subscribe without a position.
 */
export type AckResult =
  | { outcome: 'reset'; state: BlogState; applied: BlogEvent[] }
  | { outcome: 'caught-up' | 'gap' | 'epoch-changed'; state: BlogState; applied: BlogEvent[] }
  | { outcome: 'no-state'; state: undefined; applied: BlogEvent[] };

export type AckOutcome = AckResult['outcome'];

/**
 * Reduces a successful subscribe answer into the state.
 * A reset in the same epoch keeps the record of deleted entries, so an older page
 * fetched before the reset cannot bring one back.
 *
 * @example
 * socket.emit('subscribe', { blogId }, (ack) => {
 *   if (ack.ok) state = applySubscribeAck(state, ack).state;
 * });
 */
export function applySubscribeAck(state: BlogState | undefined, ack: SubscribeAckOk): AckResult {
  if (ack.reset) {
    const next = fromSnapshot(ack.snapshot, ack.position);
    if (state === undefined || state.position.epoch !== ack.position.epoch) {
      return { outcome: 'reset', state: next, applied: [] };
    }
    const deleted = new Set([...state.deleted].filter((id) => !next.entries.has(id)));
    return { outcome: 'reset', state: { ...next, deleted }, applied: [] };
  }

  if (state === undefined) return { outcome: 'no-state', state: undefined, applied: [] };
  if (ack.position.epoch !== state.position.epoch) return { outcome: 'epoch-changed', state, applied: [] };

  let current = state;
  const applied: BlogEvent[] = [];
  for (const event of ack.events) {
    const result = applyEvent(current, event);
    switch (result.outcome) {
      case 'applied':
        current = result.state;
        applied.push(event);
        break;
      case 'duplicate':
        break;
      case 'gap':
        return { outcome: 'gap', state: current, applied };
      case 'epoch-changed':
        return { outcome: 'epoch-changed', state: current, applied };
      default:
        throw new Error(`unknown outcome: ${String(result.outcome satisfies never)}`);
    }
  }
  const outcome = current.position.seq < ack.position.seq ? 'gap' : 'caught-up';
  return { outcome, state: current, applied };
}
