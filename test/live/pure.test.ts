import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, deriveConnectionState, retryDelay } from '../../client/live/index.js';

describe('live client: retry delays and connection state', () => {
  it('when refusals repeat, then the delay doubles from 250 ms up to 5 s, jittered down to half', () => {
    const ceilings = [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000];
    ceilings.forEach((ceiling, failures) => {
      assert.equal(retryDelay(failures, () => 1), ceiling);
      assert.equal(retryDelay(failures, () => 0), ceiling / 2);
    });
    assert.equal(retryDelay(1_000, () => 1), 5_000);
  });

  it('when the browser is offline, then the state is offline whatever the socket does', () => {
    for (const connected of [true, false]) {
      assert.equal(deriveConnectionState({ online: false, connected, firstConnect: false, syncing: true }), 'offline');
    }
  });

  it('when disconnected, then it is reconnecting, except before the first attempt has failed', () => {
    assert.equal(deriveConnectionState({ online: true, connected: false, firstConnect: false, syncing: false }), 'reconnecting');
    assert.equal(deriveConnectionState({ online: true, connected: false, firstConnect: true, syncing: true }), 'catching-up');
  });

  it('when connected, then it is catching up while a subscribe is in flight and live otherwise', () => {
    assert.equal(deriveConnectionState({ online: true, connected: true, firstConnect: false, syncing: true }), 'catching-up');
    assert.equal(deriveConnectionState({ online: true, connected: true, firstConnect: false, syncing: false }), 'live');
  });

  it('when connecting outside a browser without a url, then it says the url is required', () => {
    assert.throws(() => connect(), /url.*required/);
  });
});
