import { randomBytes } from 'node:crypto';
import type { Config } from './config/config.js';
import { redisTargetOf } from './config/redis-target.js';
import type { AppComponents } from './app.js';
import { AdminTokenAuthenticator, CompositeAuthenticator, MemoryTokenStore, RedisTokenStore } from './auth/index.js';
import { MemoryBus } from './bus/memory-bus.js';
import type { EventBus } from './bus/event-bus.js';
import { RedisBus } from './bus/redis-bus.js';
import { ShardedBus } from './bus/sharded-bus.js';
import type { Logger } from './log/logger.js';
import { createMetrics } from './metrics/index.js';
import { COMMAND_TIMEOUT_MS, MemoryStore, RedisStore, createRedisCluster, createRedisConnection, type RedisClient, type RedisStoreOptions } from './store/index.js';

export interface BuiltComponents {
  components: AppComponents;
  mode: 'redis' | 'embedded';
  /** Set when no ADMIN_TOKEN was configured and one was generated for this run. */
  generatedAdminToken?: string;
  close(): Promise<void>;
}

/**
 * Chooses the store and bus from the config: Redis when `REDIS_URL` (or `REDIS_SENTINELS`) is set,
 * a Redis Cluster with sharded pub/sub when `REDIS_CLUSTER_NODES` is, else the in-memory twins (one
 * process, nothing kept across restarts). With `REDIS_WAIT_REPLICAS`, writes get a connection of
 * their own (see `ReplicationOptions`).
 *
 * @example
 * const built = await buildComponents(loadConfig(process.env), logger);
 * createApplication(httpServer, built.components);
 */
export async function buildComponents(
  config: Config,
  logger: Logger,
  options: { processMetrics?: boolean } = {},
): Promise<BuiltComponents> {
  const log = logger.child({ module: 'components' });
  const generated = config.ADMIN_TOKEN === undefined ? `lb_admin_${randomBytes(24).toString('base64url')}` : undefined;
  const admin = new AdminTokenAuthenticator(config.ADMIN_TOKEN ?? generated ?? '');
  // Process metrics (CPU, heap, event loop) start monitors that never stop: only the real process wants them.
  const metrics = createMetrics({ processMetrics: options.processMetrics === true });
  const assemble = (parts: Pick<AppComponents, 'store' | 'bus' | 'tokens' | 'redis'>): AppComponents => ({
    ...parts,
    authenticator: new CompositeAuthenticator(admin, parts.tokens, logger),
    logger,
    metrics,
    trustProxy: config.TRUST_PROXY,
    publicUrl: config.PUBLIC_URL,
    readerLimits: { bufferMaxBytes: config.READER_BUFFER_MAX_BYTES, writeTimeoutMs: config.READER_WRITE_TIMEOUT_MS },
    readerOrigins: config.READER_ORIGINS,
    maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
    rateLimits: {
      writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE,
      previewsPerMinute: config.RATE_LIMIT_PREVIEWS_PER_MINUTE,
      failedAuthPerMinute: config.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
    },
  });

  const target = redisTargetOf(config);
  if (target === undefined) {
    const bus = new MemoryBus();
    const store = new MemoryStore({ bus, logMax: config.EVENT_LOG_MAX, logger });
    log.warn('embedded mode: single instance, in memory, not durable (set REDIS_URL to keep data and run several instances)');
    return {
      mode: 'embedded',
      generatedAdminToken: generated,
      components: assemble({ store, bus, tokens: new MemoryTokenStore() }),
      close: () => bus.close(),
    };
  }

  let redis: RedisClient;
  let bus: EventBus;
  let replication: RedisStoreOptions['replication'];
  if (target.mode === 'cluster') {
    redis = await createRedisCluster(target, { name: 'liveblog-data', logger });
    // Sharded pub/sub on a Cluster connection of its own; the bus disconnects it on close.
    const subscriber = await createRedisCluster(target, { name: 'liveblog-sub', logger, shardedSubscribers: true }).catch(async (err: unknown) => {
      redis.disconnect();
      throw err;
    });
    bus = new ShardedBus({ cluster: subscriber, logger });
  } else {
    // A Sentinel deployment is asked for its primary on every connection, so each follows failovers.
    const where = target.mode === 'single' ? target.url : target;
    redis = await createRedisConnection(where, { name: 'liveblog-data', logger });
    // The bus owns the subscriber connection and quits it on close.
    bus = new RedisBus({ redis: await createRedisConnection(where, { name: 'liveblog-sub', logger }), logger });
    if (config.REDIS_WAIT_REPLICAS > 0) {
      const writer = await createRedisConnection(where, { name: 'liveblog-write', logger, commandTimeoutMs: COMMAND_TIMEOUT_MS + config.REDIS_WAIT_TIMEOUT_MS });
      replication = { redis: writer, replicas: config.REDIS_WAIT_REPLICAS, timeoutMs: config.REDIS_WAIT_TIMEOUT_MS };
    }
  }
  const store = new RedisStore({ redis, logMax: config.EVENT_LOG_MAX, logger, metrics, replication });

  const persistence = await store.persistenceInfo().catch(() => undefined);
  if (persistence !== undefined && !persistence.aof && !persistence.rdb) {
    log.warn('Redis keeps nothing on disk (no AOF, no RDB): a restart of Redis loses every blog. See docs/operations.md');
  }
  log.info({ persistence, mode: target.mode, waitReplicas: config.REDIS_WAIT_REPLICAS }, 'using Redis');
  return {
    mode: 'redis',
    generatedAdminToken: generated,
    components: assemble({ store, bus, tokens: new RedisTokenStore(redis, { logger, metrics }), redis }),
    async close() {
      await bus.close();
      await redis.quit().catch(() => redis.disconnect());
      const writer = replication?.redis;
      await writer?.quit().catch(() => writer.disconnect());
    },
  };
}
