export type { EventStore } from './event-store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export { type RedisClient, type SentinelTarget, createRedisConnection, connectRedis, isRedisUnavailable, COMMAND_TIMEOUT_MS } from './redis-connection.js';
export { createRedisCluster } from './redis-cluster.js';
export { BLOG_INDEX_KEY, IDEMPOTENCY_TTL_MS, blogKeys, idempotencyKey, type BlogKeys } from './keys.js';
