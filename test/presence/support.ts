import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { ReaderCount, SubscribeAck, type ClientEvents, type ServerEvents } from '../../shared/index.js';
import { createApplication, type Application } from '../../server/app.js';
import { buildComponents } from '../../server/components.js';
import { loadConfig } from '../../server/config/config.js';
import { silentLogger } from '../../server/log/logger.js';
import { createRedisConnection } from '../../server/store/redis-connection.js';
import { TEST_ADMIN_TOKEN } from '../support/instance.js';

export interface PresenceInstance {
  url: string;
  adminToken: string;
  application: Application;
  close(): Promise<void>;
}

/**
 * The real application with presence ticking every `presenceIntervalMs` (a long interval lets a
 * test drive the ticks itself with `application.presence.tick()`), on Redis when `redisUrl` is given.
 *
 * @example
 * const a = await startPresenceInstance({ redisUrl: redis.url, presenceIntervalMs: 100 });
 */
export async function startPresenceInstance(options: { redisUrl?: string; presenceIntervalMs: number }): Promise<PresenceInstance> {
  const logger = silentLogger();
  const config = loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...(options.redisUrl !== undefined ? { REDIS_URL: options.redisUrl } : {}) });
  const built = await buildComponents(config, logger);
  let redis: Redis | undefined;
  if (options.redisUrl !== undefined) redis = await createRedisConnection(options.redisUrl, { name: 'presence-test-data', logger });
  const httpServer = createServer();
  const application = createApplication(httpServer, {
    ...built.components,
    idleUnsubscribeMs: 50,
    ...(redis !== undefined ? { redis } : {}),
    presenceIntervalMs: options.presenceIntervalMs,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  let closed = false;
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    adminToken: TEST_ADMIN_TOKEN,
    application,
    async close() {
      if (closed) return;
      closed = true;
      httpServer.close();
      await application.close();
      await built.close();
      redis?.disconnect();
      httpServer.closeAllConnections();
    },
  };
}

/** A reader of one blog that records every `readers` count it is sent. */
export interface CountingReader {
  readonly counts: readonly number[];
  /** Resolves once the latest count is `count`; fails the test after `timeoutMs`. */
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves after everything the server sent this socket so far has arrived (one request round trip). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects, subscribes to `blogId` and records `readers` events for it.
 *
 * @example
 * const reader = await openCountingReader(a.url, 'storm');
 * await reader.waitForCount(3);
 */
export async function openCountingReader(url: string, blogId: string): Promise<CountingReader> {
  const socket: Socket<ServerEvents, ClientEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const counts: number[] = [];
  socket.on('readers', (raw: unknown) => {
    const parsed = ReaderCount.parse(raw);
    if (parsed.blogId === blogId) counts.push(parsed.count);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = SubscribeAck.parse(await socket.timeout(5_000).emitWithAck('subscribe', { blogId }));
  assert.equal(ack.ok, true, `subscribe to ${blogId} failed: ${JSON.stringify(ack)}`);

  return {
    counts,
    async waitForCount(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (counts.at(-1) !== count) {
        if (Date.now() > deadline) assert.fail(`reader of ${blogId}: expected the count ${count}, got ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async flush() {
      // Answered after whatever was already queued for this socket: a blog nobody has.
      await socket.timeout(5_000).emitWithAck('subscribe', { blogId: 'flush-no-such-blog' });
    },
    async close() {
      if (!socket.connected) return;
      const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      socket.disconnect();
      await gone;
    },
  };
}
