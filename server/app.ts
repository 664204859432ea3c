import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import express, { type Express } from 'express';
import type { RedisClient } from './store/index.js';
import { Server } from 'socket.io';
import { createAuthGuard, createRequestLimits, createTokenRouter, type RateLimits, type TokenStore } from './auth/index.js';
import type { Authenticator } from './auth/principal.js';
import type { EventBus } from './bus/event-bus.js';
import { createConsoleRouter, createPreviewRouter } from './console/index.js';
import { createRenderer } from './domain/renderer.js';
import { createFeedRouter } from './feeds/index.js';
import { createPageRouter, securityHeaders } from './pages/index.js';
import type { Logger } from './log/logger.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { MemoryPresenceStore, Presence, RedisPresenceStore } from './presence/index.js';
import { Relay } from './relay/index.js';
import { createHealthRouter, createRestRouter, errorHandler, httpMetrics, jsonBody, notFoundHandler, queryText } from './rest/index.js';
import {
  DEFAULT_READER_LIMITS,
  FrameAdapter,
  SlowReaders,
  countReaderDisconnects,
  readerAdmission,
  readerHandler,
  readerParser,
  releaseHandshakeRequests,
  roomOf,
  type ReaderLimits,
  type ReaderServer,
} from './rooms/index.js';
import type { EventStore } from './store/event-store.js';

export { DEFAULT_READER_LIMITS, type ReaderLimits };

/** What the application runs on; tests pass their own (in-memory or a test Redis). */
export interface AppComponents {
  store: EventStore;
  bus: EventBus;
  authenticator: Authenticator;
  tokens: TokenStore;
  logger: Logger;
  /** Honour X-Forwarded-For (behind a load balancer) for the client address used by rate limits. */
  trustProxy?: boolean;
  /** How long a blog without readers on this instance stays subscribed. */
  idleUnsubscribeMs?: number;
  /** The data connection in Redis mode: reader counts are summed there across instances. */
  redis?: RedisClient;
  /** How often reader counts are refreshed (default 3 s). */
  presenceIntervalMs?: number;
  /** The public base URL (`PUBLIC_URL`) for links in feeds; else derived from each request. */
  publicUrl?: string;
  /** Where the reader page's built assets are (default `dist/assets` of this package). */
  assetsDir?: string;
  /** This instance's Prometheus metrics (default: a registry of its own, without process metrics). */
  metrics?: Metrics;
  /** What may wait in this instance for one reader, and how long a write to it may stall, before it is cut. */
  readerLimits?: ReaderLimits;
  /** Origins whose pages may open reader connections (`READER_ORIGINS`); undefined: any origin. */
  readerOrigins?: string[];
  /** Open reader connections per client address on this instance (`MAX_CONNECTIONS_PER_IP`); undefined: no cap. */
  maxConnectionsPerIp?: number;
  /** Requests per minute: writes and previews per token, failed authentications per address. */
  rateLimits?: RateLimits;
}

export type { RateLimits };

export const DEFAULT_RATE_LIMITS: RateLimits = { writesPerMinute: 120, previewsPerMinute: 300, failedAuthPerMinute: 10 };

export interface Application {
  app: Express;
  io: ReaderServer;
  relay: Relay;
  presence: Presence;
  metrics: Metrics;
  /** Starts the shutdown: `/readyz` answers 503 from now on while everything else keeps serving. */
  drain(): void;
  /** Disconnects readers and stops relaying; the caller closes the HTTP server and the components. */
  close(): Promise<void>;
}

/**
 * Builds the service on an HTTP server: REST under `/api`, health checks, and the
 * readers' Socket.IO endpoint fed by this instance's relay.
 *
 * @example
 * const httpServer = createServer();
 * const { close } = createApplication(httpServer, { store, bus, authenticator, tokens, logger });
 * httpServer.listen(3000);
 */
export function createApplication(httpServer: HttpServer, components: AppComponents): Application {
  const { store, bus, logger } = components;
  const metrics = components.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', components.trustProxy ?? false);
  app.use(securityHeaders());
  app.use(httpMetrics(app, { metrics, logger }));

  const limits = createRequestLimits({ rateLimits: components.rateLimits ?? DEFAULT_RATE_LIMITS, redis: components.redis, metrics, logger });
  const guard = createAuthGuard({ authenticator: components.authenticator, limiter: limits.failedAuth, metrics, logger });

  const renderer = createRenderer({ logger, metrics });

  let draining = false;
  app.use(createHealthRouter({ store, draining: () => draining }));
  app.use('/api', queryText, jsonBody());
  app.use('/api/tokens', createTokenRouter({ tokens: components.tokens, guard, logger }));
  app.use('/api', createPreviewRouter({ requireEditor: guard.requireEditor, limit: limits.previews, logger, renderer }));
  app.use('/api', createRestRouter({ store, auth: guard, limitWrites: limits.writes, logger, renderer }));
  app.use(createFeedRouter({ store, publicUrl: components.publicUrl }));
  app.use(createConsoleRouter({ logger, assetsDir: components.assetsDir }));
  app.use(createPageRouter({ store, logger, assetsDir: components.assetsDir, publicUrl: components.publicUrl }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  httpServer.on('request', app);

  const readersLog = logger.child({ module: 'rooms' });
  const slowReaders = new SlowReaders({ limits: components.readerLimits ?? DEFAULT_READER_LIMITS, metrics, logger });
  const admission = readerAdmission({
    origins: components.readerOrigins,
    publicUrl: components.publicUrl,
    maxConnectionsPerAddress: components.maxConnectionsPerIp,
    trustProxy: components.trustProxy,
    metrics,
  });
  const io: ReaderServer = new Server(httpServer, {
    serveClient: false,
    // A room broadcast is framed once and written to every WebSocket reader as is.
    adapter: FrameAdapter.withHooks({
      backedUp: (conn) => slowReaders.backedUp(conn),
      delivered: (direct, viaEngine) => {
        metrics.deliveries.inc('direct', direct);
        metrics.deliveries.inc('engine', viaEngine);
      },
    }),
    allowRequest: admission.allowRequest,
    cors: admission.cors,
    // Subscribe answers are JSON-encoded once per position and sent to each reader as is.
    parser: readerParser,
    // Readers only send small subscribe requests; anything bigger is not a reader.
    maxHttpBufferSize: 16 * 1024,
    perMessageDeflate: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });

  // Before the handshake request is let go: the per-address count reads the address there.
  admission.track(io.engine);
  releaseHandshakeRequests(io);
  io.engine.on('connection', () => metrics.readerConnections.inc());
  slowReaders.start(io.engine);
  const disconnects = countReaderDisconnects(io, { metrics, wasCut: (conn) => slowReaders.wasCut(conn) });

  const relay = new Relay({
    store,
    bus,
    logger,
    idleUnsubscribeMs: components.idleUnsubscribeMs,
    metrics,
    // The room's adapter frames a broadcast once for all its sockets.
    emit: (event) => {
      const started = performance.now();
      io.to(roomOf(event.blogId)).emit('update', event);
      metrics.broadcastDuration.observe((performance.now() - started) / 1000);
      // `at` is the writing instance's clock: skew between hosts shows up here too.
      metrics.relayLag.observe(Math.max(0, Date.now() - Date.parse(event.at)) / 1000);
    },
  });

  io.on('connection', readerHandler({ relay, store, logger: readersLog, metrics }));

  const presence = new Presence({
    io,
    store: components.redis !== undefined ? new RedisPresenceStore(components.redis) : new MemoryPresenceStore(),
    instanceId: randomUUID(),
    intervalMs: components.presenceIntervalMs,
    logger,
  });
  presence.start();

  metrics.setSources({
    readersConnected: () => io.engine.clientsCount,
    subscriptions: () => {
      let held = 0;
      for (const socket of io.sockets.sockets.values()) held += socket.data.blogs?.length ?? 0;
      return held;
    },
    blogsWithReaders: () => relay.blogs().length,
  });

  return {
    app,
    io,
    relay,
    presence,
    metrics,
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      // Before the sockets go: withdraws this instance's reader counts from the other instances' totals.
      await presence.stop();
      relay.close();
      slowReaders.stop();
      disconnects.shuttingDown();
      io.disconnectSockets(true);
      // Not io.close(): that would also close the HTTP server, which the caller owns.
      io.engine.close();
      await renderer.close();
    },
  };
}
