import type { EventStore } from '../store/event-store.js';

/** What every write command needs: the store, a clock tests can pin, and the Markdown renderer. */
export interface CommandDeps {
  store: EventStore;
  now: () => Date;
  /** Entry Markdown to sanitized html (the application's worker pool: `Renderer.render`). */
  render: (body: string) => Promise<string>;
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
