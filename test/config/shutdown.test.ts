import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config/config.js';

describe('the shutdown drain', () => {
  it('when SHUTDOWN_DRAIN_MS is unset, then an instance stops at once (no balancer to wait for)', () => {
    assert.equal(loadConfig({}).SHUTDOWN_DRAIN_MS, 0);
  });

  it('when SHUTDOWN_DRAIN_MS does not leave time within SHUTDOWN_TIMEOUT_MS, then the config is refused naming both', () => {
    assert.equal(loadConfig({ SHUTDOWN_DRAIN_MS: '3000' }).SHUTDOWN_DRAIN_MS, 3000);
    assert.throws(
      () => loadConfig({ SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '5000' }),
      (err) => err instanceof ConfigError && /SHUTDOWN_DRAIN_MS: must be less than SHUTDOWN_TIMEOUT_MS \(5000\)/.test(err.message),
    );
  });
});
