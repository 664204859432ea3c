import { Redis } from 'ioredis';
import { spawnTracked } from '../test/support/processes.js';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { freePort, startRedis, waitForPing } from '../test/support/redis-server.js';
import { pin, redisCpuMicros, redisPid } from './proc-stats.js';

/** Which Redis deployment a run uses. */
export type RedisMode = 'single' | 'cluster';

/** The Redis a benchmark's servers run on: one redis-server or a cluster. */
export interface RedisUnderTest {
  mode: RedisMode;
  /** What the service is started with: `REDIS_URL` or `REDIS_CLUSTER_NODES`. */
  env: Record<string, string>;
  /** A single Redis's URL, for the reference servers (they know no cluster); undefined for a cluster. */
  url?: string;
  /** A plain client of every primary, for INFO. */
  primaries: Redis[];
  /** A plain client of every replica (none unless asked for). */
  replicas: Redis[];
  /** CPU time of its primaries together, in microseconds (`INFO cpu`). */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/** Where its processes run (`taskset` CPU list; unpinned when absent) and whether it has replicas. */
export interface RedisOptions {
  cpus?: string;
  replicas?: 0 | 1;
}

async function pinAll(nodes: Redis[], cpus: string | undefined): Promise<void> {
  if (cpus === undefined) return;
  for (const node of nodes) pin(await redisPid(node), cpus);
}

const cpuOf = async (nodes: Redis[]): Promise<number> => (await Promise.all(nodes.map((n) => redisCpuMicros(n)))).reduce((s, c) => s + c, 0);

/** A redis-server replicating `primaryPort`, once its link is up. */
async function startReplica(primaryPort: number, dir: string): Promise<{ client: Redis; stop(): void }> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', `replica-${port}.rdb`];
  const child = spawnTracked('redis-server', [...args, '--replicaof', '127.0.0.1', String(primaryPort)], { stdio: 'ignore' });
  await waitForPing(url, child, 10_000);
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const deadline = Date.now() + 10_000;
  while (!(await client.info('replication')).includes('master_link_status:up')) {
    if (Date.now() > deadline) throw new Error(`the replica at ${url} did not sync within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    client,
    stop: () => {
      client.disconnect();
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/**
 * Starts one redis-server (no persistence), with one replica when asked.
 *
 * @example
 * const redis = await startSingleRedis({ cpus: '0' });
 */
export async function startSingleRedis(options: RedisOptions = {}): Promise<RedisUnderTest> {
  const redis = await startRedis();
  const [, dir] = (await redis.admin.config('GET', 'dir')) as [string, string];
  const replica = options.replicas === 1 ? await startReplica(redis.port, dir) : undefined;
  const replicas = replica !== undefined ? [replica.client] : [];
  await pinAll([redis.admin, ...replicas], options.cpus);
  return {
    mode: 'single',
    env: { REDIS_URL: redis.url },
    url: redis.url,
    primaries: [redis.admin],
    replicas,
    cpuMicros: () => cpuOf([redis.admin]),
    close: async () => {
      replica?.stop();
      await redis.close();
    },
  };
}

/**
 * Starts a Redis Cluster of three primaries, without replicas unless asked (in the benchmark a
 * replica would only take CPU from what is measured: it changes nothing a reader sees).
 *
 * @example
 * const cluster = await startBenchCluster({ cpus: '0' });
 * startTarget({ ..., redis: cluster });
 */
export async function startBenchCluster(options: RedisOptions = {}): Promise<RedisUnderTest> {
  const cluster = await startRedisCluster({ replicas: options.replicas ?? 0 });
  const primaryNodes = await cluster.primaries();
  const primaries = primaryNodes.map((n) => n.admin);
  const replicas = cluster.nodes.filter((n) => !primaryNodes.includes(n)).map((n) => n.admin);
  await pinAll([...primaries, ...replicas], options.cpus);
  return {
    mode: 'cluster',
    env: { REDIS_CLUSTER_NODES: cluster.seeds },
    primaries,
    replicas,
    cpuMicros: () => cpuOf(primaries),
    close: () => cluster.close(),
  };
}
