import type { ConnectionState } from './types.js';

/** What the connection state is derived from. */
export interface ConnectionFacts {
  /** The browser's online signal (always true outside a browser). */
  online: boolean;
  connected: boolean;
  /** No connection was made yet and no attempt has failed: the very first connect. */
  firstConnect: boolean;
  /** A subscribe or catch-up of some blog is in flight or waiting to be retried. */
  syncing: boolean;
}

/**
 * The state the UI shows. The browser saying offline wins; before the first connect has
 * failed the client is catching up rather than reconnecting, so a page load does not
 * flash "Reconnecting…".
 *
 * @example
 * deriveConnectionState({ online: true, connected: true, firstConnect: false, syncing: false }); // 'live'
 */
export function deriveConnectionState(facts: ConnectionFacts): ConnectionState {
  if (!facts.online) return 'offline';
  if (!facts.connected) return facts.firstConnect ? 'catching-up' : 'reconnecting';
  return facts.syncing ? 'catching-up' : 'live';
}
