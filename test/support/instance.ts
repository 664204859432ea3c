import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApplication, type Application } from '../../server/app.js';
import { buildComponents } from '../../server/components.js';
import { loadConfig } from '../../server/config/config.js';
import { silentLogger, type Logger } from '../../server/log/logger.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Tests post hundreds of entries a minute with one token, far above the production defaults
 * (`RATE_LIMIT_*`, 120 writes a minute). The limits have tests of their own
 * (test/auth/rate-limits.test.ts), which pass their own values in `env`.
 */
export const TEST_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_WRITES_PER_MINUTE: '100000',
  RATE_LIMIT_PREVIEWS_PER_MINUTE: '100000',
};

/** One running server instance, as a test sees it. */
export interface TestInstance {
  url: string;
  port: number;
  adminToken: string;
  application: Application;
  /** Stops the instance the way SIGTERM does (sockets closed, connections quit). */
  close(): Promise<void>;
}

/**
 * Starts the real application on 127.0.0.1 and a free port (or `port`, e.g. to restart
 * an instance where its readers expect it), on Redis when `redisUrl` is given, else
 * embedded (in memory).
 *
 * @example
 * const a = await startInstance({ redisUrl: redis.url });
 */
export async function startInstance(
  options: { redisUrl?: string; env?: Record<string, string>; logger?: Logger; port?: number } = {},
): Promise<TestInstance> {
  const config = loadConfig({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...TEST_RATE_LIMITS,
    ...(options.redisUrl !== undefined ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  });
  const logger = options.logger ?? silentLogger();
  const built = await buildComponents(config, logger);
  const httpServer = createServer();
  const application = createApplication(httpServer, { ...built.components, idleUnsubscribeMs: 50 });
  try {
    await new Promise<void>((resolve, reject) => {
      // a fixed port may still be taken (e.g. by the instance being replaced)
      httpServer.once('error', reject);
      httpServer.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
  } catch (err) {
    await application.close();
    await built.close();
    throw err;
  }
  const port = (httpServer.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    adminToken: TEST_ADMIN_TOKEN,
    application,
    async close() {
      if (closed) return;
      closed = true;
      httpServer.close();
      await application.close();
      await built.close();
      httpServer.closeAllConnections();
    },
  };
}
