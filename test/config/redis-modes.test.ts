import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config/config.js';
import { redisTargetOf } from '../../server/config/redis-target.js';

const ADMIN_TOKEN = 'config-test-admin-token';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return assert.fail('the configuration was accepted');
}

describe('choosing the Redis deployment', () => {
  it('when two of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are set, then the config is refused naming both', () => {
    const message = configError({ ADMIN_TOKEN, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' });
    assert.match(message, /set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS/);
    assert.match(message, /found REDIS_URL and REDIS_CLUSTER_NODES/);
    const three = configError({ ADMIN_TOKEN, REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' });
    assert.match(three, /found REDIS_URL and REDIS_CLUSTER_NODES and REDIS_SENTINELS/);
  });

  it('when cluster seed nodes are listed, then each becomes a host and port, IPv6 included', () => {
    const config = loadConfig({ ADMIN_TOKEN, REDIS_CLUSTER_NODES: 'redis-1.internal:7000, 10.0.0.2:7001,[::1]:7002', REDIS_PASSWORD: 'secret', REDIS_TLS: 'true' });
    assert.deepEqual(redisTargetOf(config), {
      mode: 'cluster',
      nodes: [
        { host: 'redis-1.internal', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      auth: { username: undefined, password: 'secret', tls: true },
    });
  });

  it('when a seed node has no port or a bad one, then the config is refused naming REDIS_CLUSTER_NODES', () => {
    assert.match(configError({ ADMIN_TOKEN, REDIS_CLUSTER_NODES: '127.0.0.1' }), /REDIS_CLUSTER_NODES.*host:port/);
    assert.match(configError({ ADMIN_TOKEN, REDIS_CLUSTER_NODES: '127.0.0.1:70000' }), /REDIS_CLUSTER_NODES.*port must be 1-65535/);
  });

  it('when REDIS_WAIT_REPLICAS is above 0 with REDIS_CLUSTER_NODES, then the config is refused saying why', () => {
    assert.match(configError({ ADMIN_TOKEN, REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_WAIT_REPLICAS: '1' }), /REDIS_WAIT_REPLICAS: must be 0 with REDIS_CLUSTER_NODES/);
    assert.equal(loadConfig({ ADMIN_TOKEN, REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_WAIT_REPLICAS: '0' }).REDIS_WAIT_REPLICAS, 0);
  });

  it('when sentinels are set without the monitored name, then REDIS_SENTINEL_NAME is required', () => {
    assert.match(configError({ ADMIN_TOKEN, REDIS_SENTINELS: '127.0.0.1:26379' }), /REDIS_SENTINEL_NAME: required/);
    const config = loadConfig({ ADMIN_TOKEN, REDIS_SENTINELS: '127.0.0.1:26379,127.0.0.1:26380', REDIS_SENTINEL_NAME: 'liveblog' });
    const target = redisTargetOf(config);
    assert.equal(target?.mode, 'sentinel');
    assert.equal(target.mode === 'sentinel' ? target.sentinels.length : 0, 2);
  });

  it('when any Redis mode is set without ADMIN_TOKEN, then ADMIN_TOKEN is required, naming the mode', () => {
    assert.match(configError({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' }), /ADMIN_TOKEN: required when REDIS_CLUSTER_NODES is set/);
  });

  it('when no Redis is configured, then the service is embedded and WORKERS above 1 is refused', () => {
    assert.equal(redisTargetOf(loadConfig({})), undefined);
    assert.match(configError({ WORKERS: '2' }), /WORKERS: must be 1 in embedded mode/);
    assert.match(configError({ WORKERS: 'auto' }), /WORKERS: must be 1 in embedded mode/);
    assert.equal(loadConfig({ ADMIN_TOKEN, REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: 'auto' }).WORKERS, 'auto');
  });
});
