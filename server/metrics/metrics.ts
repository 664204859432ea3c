import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RateLimitName as RateLimitNames } from '../../shared/errors.js';

/**
 * Every label value is from a closed set: no blog ids, token ids or addresses, so the number
 * of series an instance exports stays fixed however many blogs and readers it serves.
 */
const DELIVERY_PATHS = ['direct', 'engine'] as const;
const CATCH_UP_SOURCES = ['memory', 'store', 'reset'] as const;
const EPOCH_CHANGES = ['adopted', 'rotated'] as const;
const DISCONNECT_REASONS = ['client', 'heartbeat', 'transport', 'slow_reader', 'limit', 'shutdown', 'server'] as const;
const SLOW_READER_CAUSES = ['buffer', 'stall'] as const;
const SOCKET_REJECTIONS = [
  'invalid_request',
  'no_ack',
  'too_many_subscriptions',
  'queue_full',
  'oversized',
  'origin',
  'connection_limit',
] as const;
const RATE_LIMITS = RateLimitNames.options;
const REDIS_ERROR_KINDS = ['timeout', 'connection', 'reply'] as const;
const RENDER_REFUSALS = ['timeout', 'crashed', 'overloaded'] as const;

export type DeliveryPath = (typeof DELIVERY_PATHS)[number];
export type CatchUpSource = (typeof CATCH_UP_SOURCES)[number];
export type EpochChange = (typeof EPOCH_CHANGES)[number];
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];
export type SlowReaderCause = (typeof SLOW_READER_CAUSES)[number];
export type SocketRejection = (typeof SOCKET_REJECTIONS)[number];
export type RateLimitName = (typeof RATE_LIMITS)[number];
export type RedisErrorKind = (typeof REDIS_ERROR_KINDS)[number];
export type RenderRefusal = (typeof RENDER_REFUSALS)[number];

/** A counter with one label whose values are a closed set, each exported from the start at 0. */
export interface ClosedCounter<V extends string> {
  inc(value: V, by?: number): void;
  readonly counter: Counter<string>;
}

function closedCounter<V extends string>(
  config: { name: string; help: string; registers: Registry[] },
  label: string,
  values: readonly V[],
): ClosedCounter<V> {
  const counter = new Counter({ ...config, labelNames: [label] });
  // Zero series from the start, so rate() and alerts see a value before the first event.
  for (const value of values) counter.inc({ [label]: value }, 0);
  return {
    counter,
    inc(value, by = 1) {
      counter.inc({ [label]: value }, by);
    },
  };
}

/** Live values read when Prometheus scrapes, set by the application that owns them. */
export interface GaugeSources {
  readersConnected(): number;
  subscriptions(): number;
  blogsWithReaders(): number;
}

const NO_SOURCES: GaugeSources = {
  readersConnected: () => 0,
  subscriptions: () => 0,
  blogsWithReaders: () => 0,
};

/** Seconds; from a sub-millisecond broadcast to the 5 s beyond which readers would notice. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The instance's Prometheus metrics, one registry per application (tests run several in one
 * process). Names and label sets are documented in docs/operations.md; change them there too.
 *
 * @example
 * const metrics = createMetrics({ processMetrics: true });
 * metrics.deliveries.inc({ path: 'direct' }, 10_000);
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  let sources = NO_SOURCES;
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });

  const registers = [registry];
  const metrics = {
    registry,
    /** Called once by the application that owns the readers. */
    setSources(next: GaugeSources): void {
      sources = next;
    },

    readersConnected: new Gauge({
      name: 'liveblog_readers_connected',
      help: 'Reader connections (Socket.IO) open on this instance.',
      registers,
      collect() {
        this.set(sources.readersConnected());
      },
    }),
    subscriptions: new Gauge({
      name: 'liveblog_reader_subscriptions',
      help: 'Blog subscriptions held by the connected readers.',
      registers,
      collect() {
        this.set(sources.subscriptions());
      },
    }),
    blogsWithReaders: new Gauge({
      name: 'liveblog_blogs_with_readers',
      help: 'Blogs this instance relays because readers have them open (with workers: summed, a blog open on two workers counts twice).',
      registers,
      collect() {
        this.set(sources.blogsWithReaders());
      },
    }),

    deliveries: closedCounter(
      {
        name: 'liveblog_deliveries_total',
        help: 'Events delivered to readers by room broadcast: direct = one pre-framed write to the TCP socket, engine = through Engine.IO (long-polling, upgrading, or packets queued).',
        registers,
      },
      'path',
      DELIVERY_PATHS,
    ),
    broadcastDuration: new Histogram({
      name: 'liveblog_broadcast_duration_seconds',
      help: 'Time to hand one event to every reader of its blog on this instance.',
      buckets: FAST_BUCKETS,
      registers,
    }),
    relayLag: new Histogram({
      name: 'liveblog_relay_lag_seconds',
      help: "From an event's time of writing (its `at`) to its broadcast on this instance.",
      buckets: FAST_BUCKETS,
      registers,
    }),
    catchUpAnswers: closedCounter(
      {
        name: 'liveblog_catchup_answers_total',
        help: 'Subscribe answers: events from the relay memory, events read from the store, or a reset with a snapshot.',
        registers,
      },
      'source',
      CATCH_UP_SOURCES,
    ),
    gapFills: new Counter({
      name: 'liveblog_gap_fills_total',
      help: 'Times a blog feed read events from the store that pub/sub had not delivered (gaps, resubscriptions).',
      registers,
    }),
    epochChanges: closedCounter(
      {
        name: 'liveblog_epoch_changes_total',
        help: 'Blog logs seen with a new epoch (adopted) or given one because the log went backwards (rotated).',
        registers,
      },
      'kind',
      EPOCH_CHANGES,
    ),

    readerConnections: new Counter({
      name: 'liveblog_reader_connections_total',
      help: 'Reader connections opened (Engine.IO handshakes); its rate shows a reconnect storm.',
      registers,
    }),
    readerDisconnects: closedCounter(
      {
        name: 'liveblog_reader_disconnects_total',
        help: 'Reader connections closed, by reason.',
        registers,
      },
      'reason',
      DISCONNECT_REASONS,
    ),
    slowReaderCuts: closedCounter(
      {
        name: 'liveblog_slow_reader_cuts_total',
        help: 'Readers cut because too much waited for them (buffer) or a write stalled too long (stall).',
        registers,
      },
      'cause',
      SLOW_READER_CAUSES,
    ),
    socketRejections: closedCounter(
      {
        name: 'liveblog_socket_events_rejected_total',
        help: 'Socket requests and connections refused, by reason.',
        registers,
      },
      'reason',
      SOCKET_REJECTIONS,
    ),

    httpDuration: new Histogram<'method' | 'route' | 'status'>({
      name: 'liveblog_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, with their duration.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    rateLimited: closedCounter(
      {
        name: 'liveblog_rate_limited_total',
        help: 'Requests refused with 429, by limit.',
        registers,
      },
      'limit',
      RATE_LIMITS,
    ),

    redisErrors: closedCounter(
      {
        name: 'liveblog_redis_command_errors_total',
        help: 'Redis commands of the store and token store that failed: timed out (a write may still run), connection down or broken mid-command, or refused by Redis with an error reply.',
        registers,
      },
      'kind',
      REDIS_ERROR_KINDS,
    ),
    pubsubResubscriptions: new Counter({
      name: 'liveblog_pubsub_resubscriptions_total',
      help: 'Times pub/sub delivery may have had a gap and the bus re-subscribed before the relay read what was missed: the connection came back (single Redis), or on a Cluster a shard connection dropped, a blog slot moved or its primary failed over.',
      registers,
    }),

    renderDuration: new Histogram({
      name: 'liveblog_markdown_render_duration_seconds',
      help: 'Time to render and sanitize one entry body (Markdown to HTML).',
      buckets: FAST_BUCKETS,
      registers,
    }),
    renderRefusals: closedCounter(
      {
        name: 'liveblog_markdown_render_refused_total',
        help: 'Bodies not rendered: ran past the time limit (timeout), killed their worker (crashed), or found no free worker in time (overloaded).',
        registers,
      },
      'reason',
      RENDER_REFUSALS,
    ),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

