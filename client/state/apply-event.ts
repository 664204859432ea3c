import type { BlogEvent, Position } from '../../shared/index.js';
import type { BlogState } from './blog-state.js';
import { putEntry, removeEntry } from './entry-ops.js';

/**
 * What became of one event:
 * - `applied`: it was the next one; the state moved to its position.
 * - `duplicate`: already applied (same epoch, seq not ahead); dropped.
 * - `gap`: events are missing before it; not applied. Catch up with
 *   `subscribe({ epoch, after: position.seq })`, keeping the event to apply afterwards.
 * - `epoch-changed`: it belongs to another incarnation of the log; not applied.
 *   Resubscribe from the position: the answer is a reset.
 */
export type EventOutcome = 'applied' | 'duplicate' | 'gap' | 'epoch-changed';

export interface EventResult {
  state: BlogState;
  outcome: EventOutcome;
}

/**
 * Where an event stands relative to a position, by `(epoch, seq)` alone.
 *
 * @example
 * classifyEvent({ epoch: 'a', seq: 4 }, { epoch: 'a', seq: 6 }); // 'gap'
 */
export function classifyEvent(position: Position, event: Pick<BlogEvent, 'epoch' | 'seq'>): EventOutcome {
  if (event.epoch !== position.epoch) return 'epoch-changed';
  if (event.seq <= position.seq) return 'duplicate';
  if (event.seq === position.seq + 1) return 'applied';
  return 'gap';
}

/**
 * Applies one event if, and only if, it is the next one of the state's log.
 * Throws when the event is for another blog: routing it here is a bug of the caller.
 *
 * @example
 * const { state: next, outcome } = applyEvent(state, event);
 * if (outcome === 'gap') socket.emit('subscribe', { blogId, epoch: next.position.epoch, after: next.position.seq }, onAck);
 */
export function applyEvent(state: BlogState, event: BlogEvent): EventResult {
  if (event.blogId !== state.blogId) {
    throw new RangeError(`event for blog "${event.blogId}" applied to the state of "${state.blogId}"`);
  }
  const outcome = classifyEvent(state.position, event);
  if (outcome !== 'applied') return { state, outcome };
  const changed = reduce(state, event);
  return { state: { ...changed, position: { epoch: event.epoch, seq: event.seq } }, outcome };
}

function reduce(state: BlogState, event: BlogEvent): BlogState {
  switch (event.type) {
    case 'entry.created':
      return putEntry(state, event.entry, 'newest');
    case 'entry.updated':
      return putEntry(state, event.entry, 'unpaged');
    case 'entry.deleted':
      return removeEntry(state, event.entryId);
    case 'blog.updated':
      return { ...state, blog: event.blog };
    default:
      throw new Error(`unknown event type: ${JSON.stringify(event satisfies never)}`);
  }
}
