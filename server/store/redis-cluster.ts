import { Cluster } from 'ioredis';
import type { HostPort, RedisAuth } from '../config/redis-target.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import { COMMAND_TIMEOUT_MS, CONNECT_TIMEOUT_MS, logOutages, reconnectDelay } from './redis-connection.js';

const SLOTS_REFRESH_MS = 5_000;

export interface RedisClusterOptions {
  name: string;
  logger: Logger;
  /** One subscriber connection per primary for SSUBSCRIBE (the sharded bus); off for the data connection. */
  shardedSubscribers?: boolean;
}

/**
 * An ioredis Cluster tuned like `createRedisConnection`, connected and ready: no offline queue,
 * the command timeout, no resending of in-flight commands, capped reconnection, errors logged once
 * per outage. Commands a node refused (MOVED, ASK, TRYAGAIN while a slot migrates, CLUSTERDOWN)
 * or that could not be written to the slot's node are retried by ioredis for a short while
 * (`maxRedirections` × ~100 ms), which rides through a slot move or most of a failover; a command
 * that was written and then lost its connection is never sent again. Rejects with
 * `store_unavailable` naming the seeds when none of them answers, so startup fails clearly.
 *
 * @example
 * const redis = await createRedisCluster({ nodes, auth }, { name: 'liveblog-data', logger });
 */
export async function createRedisCluster(target: { nodes: HostPort[]; auth: RedisAuth }, opts: RedisClusterOptions): Promise<Cluster> {
  const log = opts.logger.child({ module: 'redis', connection: opts.name, mode: 'cluster' });
  const cluster = new Cluster(
    target.nodes.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay,
      // Without it a node connection that breaks is dropped and its in-flight commands are rejected
      // with "Connection is closed.", which the Cluster re-sends elsewhere: a script could run twice.
      // Reconnecting fails them with MaxRetriesPerRequestError instead (maxRetriesPerRequest: 0),
      // which is answered 504 like on a single Redis.
      clusterNodeRetryStrategy: reconnectDelay,
      shardedSubscribers: opts.shardedSubscribers === true,
      // ioredis refreshes the slot map on MOVED and when a node drops; this also catches a change
      // nothing told this connection about (the sharded bus checks its subscriptions on every refresh).
      slotsRefreshInterval: SLOTS_REFRESH_MS,
      redisOptions: {
        connectionName: opts.name,
        username: target.auth.username,
        password: target.auth.password,
        tls: target.auth.tls ? {} : undefined,
        commandTimeout: COMMAND_TIMEOUT_MS,
        connectTimeout: CONNECT_TIMEOUT_MS,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        // The sharded bus re-subscribes itself, and only then tells the relay to read what it missed.
        autoResubscribe: false,
      },
    },
  );
  logOutages(cluster, log);
  cluster.on('node error', (err: Error, node: string) => log.debug({ err: { message: err.message }, node }, 'redis cluster node error'));
  const seeds = target.nodes.map(({ host, port }) => `${host}:${port}`).join(',');
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      cluster.connect(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready within ${2 * CONNECT_TIMEOUT_MS} ms`)), 2 * CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    cluster.disconnect();
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError('store_unavailable', `cannot connect to the Redis Cluster at ${seeds}: ${reason}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return cluster;
}
