import { MemoryBus } from '../../server/bus/memory-bus.js';
import { silentLogger } from '../../server/log/logger.js';
import type { EventStore } from '../../server/store/event-store.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { RedisStore } from '../../server/store/redis-store.js';

export interface TestStore {
  store: EventStore;
  close(): Promise<void>;
}

/**
 * The embedded store, as `server/components.ts` builds it without REDIS_URL.
 *
 * @example
 * const { store, close } = await memoryStore();
 */
export async function memoryStore(): Promise<TestStore> {
  const bus = new MemoryBus();
  return { store: new MemoryStore({ bus, logMax: 10_000 }), close: () => bus.close() };
}

/**
 * A RedisStore on the given test Redis (from `startRedis()`), with its own connection.
 *
 * @example
 * const redis = await startRedis();
 * const { store, close } = await redisStore(redis.url);
 */
export async function redisStore(url: string): Promise<TestStore> {
  const logger = silentLogger();
  const redis = await createRedisConnection(url, { name: 'rest-tests', logger });
  return {
    store: new RedisStore({ redis, logMax: 10_000, logger }),
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * `store` with some methods replaced, e.g. to throw what a bug would throw or to interleave a
 * concurrent write at an exact moment.
 *
 * @example
 * const broken = storeWith(store, { listBlogs: async () => { throw new Error('boom'); } });
 */
export function storeWith(store: EventStore, overrides: Partial<EventStore>): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property as keyof EventStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
