import type { BlogEvent } from '../../shared/index.js';
import type { BlogState } from './blog-state.js';
import { applyEvent } from './apply-event.js';

/**
 * - `drained`: every event was applied or was a duplicate.
 * - `gap`: some are still ahead of the state (`kept`); catch up, then drain them again.
 * - `epoch-changed`: some belong to another epoch (dropped: the reset that a
 *   resubscribe brings covers them); resubscribe from the state's position.
 */
export type DrainOutcome = 'drained' | 'gap' | 'epoch-changed';

export interface DrainResult {
  state: BlogState;
  outcome: DrainOutcome;
  /** Events applied, in order. */
  applied: BlogEvent[];
  /** Events still ahead of the state, by seq, each once. */
  kept: BlogEvent[];
}

/**
 * Applies events that were held back (while a subscribe was in flight, or after a gap)
 * in seq order, whatever order they arrived in.
 *
 * @example
 * const drained = applyBuffered(state, buffer);
 * state = drained.state;
 * buffer = drained.kept;
 * if (drained.outcome !== 'drained') resubscribe(state.position);
 */
export function applyBuffered(state: BlogState, events: readonly BlogEvent[]): DrainResult {
  const bySeq = [...events].sort((a, b) => a.seq - b.seq);
  let current = state;
  let epochChanged = false;
  const applied: BlogEvent[] = [];
  const kept: BlogEvent[] = [];
  const keptSeqs = new Set<number>();

  for (const event of bySeq) {
    const result = applyEvent(current, event);
    switch (result.outcome) {
      case 'applied':
        current = result.state;
        applied.push(event);
        break;
      case 'duplicate':
        break;
      case 'gap':
        if (!keptSeqs.has(event.seq)) {
          keptSeqs.add(event.seq);
          kept.push(event);
        }
        break;
      case 'epoch-changed':
        epochChanged = true;
        break;
      default:
        throw new Error(`unknown outcome: ${String(result.outcome satisfies never)}`);
    }
  }
  const outcome: DrainOutcome = epochChanged ? 'epoch-changed' : kept.length > 0 ? 'gap' : 'drained';
  return { state: current, outcome, applied, kept };
}
