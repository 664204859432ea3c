import type { Redis } from 'ioredis';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { startRedis } from '../test/support/redis-server.js';
import { pin, redisCpuMicros, redisPid } from './proc-stats.js';

/** Which Redis deployment a run uses. */
export type RedisMode = 'single' | 'cluster';

/** The Redis a benchmark's servers run on: one redis-server or the primaries of a cluster. */
export interface RedisUnderTest {
  mode: RedisMode;
  /** What the service is started with: `REDIS_URL` or `REDIS_CLUSTER_NODES`. */
  env: Record<string, string>;
  /** A single Redis's URL, for the reference servers (they know no cluster); undefined for a cluster. */
  url?: string;
  /** A plain client of every primary, for INFO. */
  nodes: Redis[];
  /** CPU time of all its redis-servers together, in microseconds (`INFO cpu`). */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/** Sums `INFO cpu` over the nodes. */
async function cpuOf(nodes: Redis[]): Promise<number> {
  const each = await Promise.all(nodes.map((n) => redisCpuMicros(n)));
  return each.reduce((s, c) => s + c, 0);
}

/**
 * Starts one redis-server (no persistence) pinned to `cpus`.
 *
 * @example
 * const redis = await startSingleRedis('0');
 */
export async function startSingleRedis(cpus: string): Promise<RedisUnderTest> {
  const redis = await startRedis();
  pin(await redisPid(redis.admin), cpus);
  return {
    mode: 'single',
    env: { REDIS_URL: redis.url },
    url: redis.url,
    nodes: [redis.admin],
    cpuMicros: () => cpuOf([redis.admin]),
    close: () => redis.close(),
  };
}

/**
 * Starts a Redis Cluster of three primaries and no replicas (a replica would only take CPU from
 * what is measured: it changes nothing a reader sees), every node pinned to `cpus`.
 *
 * @example
 * const cluster = await startBenchCluster('0');
 * startTarget({ ..., redis: cluster });
 */
export async function startBenchCluster(cpus: string): Promise<RedisUnderTest> {
  const cluster = await startRedisCluster({ replicas: 0 });
  const nodes = cluster.nodes.map((n) => n.admin);
  for (const node of nodes) pin(await redisPid(node), cpus);
  return {
    mode: 'cluster',
    env: { REDIS_CLUSTER_NODES: cluster.seeds },
    nodes,
    cpuMicros: () => cpuOf(nodes),
    close: () => cluster.close(),
  };
}
