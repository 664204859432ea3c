import type { Config } from './config.js';

export interface HostPort {
  host: string;
  port: number;
}

/** Credentials and TLS for the data nodes of a Cluster or Sentinel deployment (a single Redis carries them in REDIS_URL). */
export interface RedisAuth {
  username?: string;
  password?: string;
  tls: boolean;
}

/** The Redis deployment the service runs on, from exactly one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: HostPort[]; auth: RedisAuth }
  | { mode: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword?: string; auth: RedisAuth };

/**
 * The Redis deployment the config names, or undefined for the embedded (in-memory) mode.
 * The config schema has already refused a mix of modes.
 *
 * @example
 * redisTargetOf(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000', ADMIN_TOKEN })) // { mode: 'cluster', nodes: [...], auth: { tls: false } }
 */
export function redisTargetOf(config: Config): RedisTarget | undefined {
  const auth: RedisAuth = { username: config.REDIS_USERNAME, password: config.REDIS_PASSWORD, tls: config.REDIS_TLS };
  if (config.REDIS_URL !== undefined) return { mode: 'single', url: config.REDIS_URL };
  if (config.REDIS_CLUSTER_NODES !== undefined) return { mode: 'cluster', nodes: config.REDIS_CLUSTER_NODES, auth };
  if (config.REDIS_SENTINELS !== undefined) {
    return {
      mode: 'sentinel',
      sentinels: config.REDIS_SENTINELS,
      // the schema requires the name whenever sentinels are set
      name: config.REDIS_SENTINEL_NAME ?? '',
      sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
      auth,
    };
  }
  return undefined;
}
