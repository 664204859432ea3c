import type { EventStore } from '../store/event-store.js';

/** What every write command needs: the store, and a clock tests can pin. */
export interface CommandDeps {
  store: EventStore;
  now: () => Date;
}

/**
 * Exhaustiveness guard for switches over closed outcome sets: the call only type-checks when
 * every case was handled, and throws if an unexpected value still arrives at run time.
 *
 * @example
 * default: return assertNever(outcome.reason);
 */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
