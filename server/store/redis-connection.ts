import { Redis, ReplyError, type Cluster, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis-target.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';

/**
 * A connection the store, token store, presence and rate limits run their commands on: a single
 * Redis (also a Sentinel deployment's primary) or a Redis Cluster.
 */
export type RedisClient = Redis | Cluster;

/** A write during a Redis blip fails after this long instead of hanging the request. */
export const COMMAND_TIMEOUT_MS = 2_000;
/** How long connecting to a node may take before it counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 5_000;
const RETRY_BASE_MS = 50;
const RETRY_CAP_MS = 2_000;

/** A Sentinel deployment: the sentinels to ask, the name they monitor, and the primary's credentials. */
export type SentinelTarget = Extract<RedisTarget, { mode: 'sentinel' }>;

/**
 * The delay before reconnection attempt `attempt` (1, 2, ...): capped exponential backoff.
 *
 * @example
 * reconnectDelay(1) // 50
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt, 1) - 1, 10), RETRY_CAP_MS);
}

/**
 * Logs a connection's (or a Cluster's) errors once per outage: the first error, then debug lines for
 * the reconnection attempts that repeat it, and one line when it is ready again.
 *
 * @example
 * logOutages(cluster, logger.child({ module: 'redis', connection: 'liveblog-data' }));
 */
export function logOutages(connection: RedisClient, log: Logger): void {
  let healthy = true;
  connection.on('error', (err: Error) => {
    if (healthy) log.error({ err: summarize(err) }, 'redis connection error');
    else log.debug({ err: summarize(err) }, 'redis still unreachable');
    healthy = false;
  });
  connection.on('ready', () => {
    if (!healthy) log.info('redis connection restored');
    healthy = true;
  });
  connection.on('close', () => {
    if (healthy) log.warn('redis connection closed');
  });
}

/**
 * An ioredis client tuned for this service, connected and ready: no offline queue and a
 * command timeout (a request during an outage fails fast with 503 and the client retries),
 * no resending of commands that were in flight when the connection broke (a script must
 * never run twice behind the caller's back), capped exponential reconnection, and errors
 * logged rather than thrown. Rejects with `store_unavailable` when Redis cannot be reached,
 * so startup fails clearly.
 *
 * Given a Sentinel deployment instead of a URL, it asks the sentinels for the primary on every
 * (re)connection and checks the ROLE it reaches, so it follows the primary through failovers: a
 * `+switch-master` announced by a sentinel, or a READONLY answer from a demoted primary, drops the
 * connection and the next one goes to the new primary (the failing command itself is not resent).
 *
 * @example
 * const redis = await createRedisConnection(config.REDIS_URL, { name: 'liveblog-data', logger });
 * const onSentinel = await createRedisConnection(target, { name: 'liveblog-data', logger }); // target.mode === 'sentinel'
 */
export async function createRedisConnection(
  target: string | SentinelTarget,
  opts: { name: string; logger: Logger; /** For a connection whose commands may block (WAIT); default COMMAND_TIMEOUT_MS. */ commandTimeoutMs?: number },
): Promise<Redis> {
  const log = opts.logger.child({ module: 'redis', connection: opts.name });
  const tuning: RedisOptions = {
    lazyConnect: true,
    connectionName: opts.name,
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // The bus re-subscribes itself, and only then tells the relay to read what it missed.
    autoResubscribe: false,
    retryStrategy: reconnectDelay,
  };
  const started = { value: false };
  const redis = typeof target === 'string' ? new Redis(target, tuning) : new Redis({ ...tuning, ...sentinelOptions(target, started) });
  if (typeof target !== 'string') {
    // quit() ends the connection but not the failover detector's sentinel subscriptions (ioredis 5),
    // which would reconnect forever and keep the process alive; disconnect() closes them too.
    redis.on('end', () => redis.disconnect());
  }
  logOutages(redis, log);
  await connectRedis(redis);
  started.value = true;
  return redis;
}

/**
 * ioredis' Sentinel options for `target`. Until the first connection is ready, sentinels that all
 * fail end the attempt (startup fails naming them); afterwards they are asked again with the same
 * backoff as Redis itself, since giving up would end the connection for good.
 */
function sentinelOptions(target: SentinelTarget, started: { value: boolean }): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.name,
    role: 'master',
    sentinelPassword: target.sentinelPassword,
    username: target.auth.username,
    password: target.auth.password,
    // The primary over TLS (REDIS_TLS); the sentinels themselves are asked in plain TCP.
    ...(target.auth.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    sentinelRetryStrategy: (attempt: number) => (started.value ? reconnectDelay(attempt) : null),
    // Drops the connection as soon as a sentinel announces a new primary, even when the old one still answers.
    failoverDetector: true,
    // 1: reconnect (to whatever the sentinels name now) without resending the refused command.
    reconnectOnError: (err: Error) => (replyCode(err) === 'READONLY' ? 1 : false),
  };
}

/**
 * Connects (a lazy or ended client) and resolves once it is ready; rejects with a clear `store_unavailable`
 * (and stops reconnecting) when Redis cannot be reached, so startup fails loudly.
 *
 * @example
 * await connectRedis(redis); // AppError store_unavailable: "cannot connect to Redis at 127.0.0.1:6379: connect ECONNREFUSED ..."
 */
export async function connectRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  try {
    if (redis.status === 'wait' || redis.status === 'end') {
      await redis.connect();
    } else {
      await new Promise<void>((resolve, reject) => {
        const onReady = (): void => {
          redis.off('end', onEnd);
          resolve();
        };
        const onEnd = (): void => {
          redis.off('ready', onReady);
          reject(new Error('connection ended'));
        };
        redis.once('ready', onReady);
        redis.once('end', onEnd);
      });
    }
  } catch (err) {
    const lastError: string = err instanceof Error ? err.message : String(err);
    redis.disconnect();
    throw new AppError('store_unavailable', `cannot connect to Redis ${whereOf(redis)}: ${lastError}`, { cause: err });
  }
}

/** Where a connection goes, for the startup error: its address, or the sentinels it asks. */
function whereOf(redis: Redis): string {
  const { sentinels, name, host, port } = redis.options;
  if (sentinels !== undefined && sentinels !== null && sentinels.length > 0) {
    return `through the sentinels ${sentinels.map((s) => `${s.host ?? '?'}:${s.port ?? '?'}`).join(',')} (primary "${name ?? '?'}")`;
  }
  return `at ${host ?? '?'}:${port ?? '?'}`;
}

/** Reply errors that mean "this Redis cannot serve you right now", not "your command is wrong". */
const UNAVAILABLE_REPLIES = ['READONLY', 'LOADING', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN', 'MOVED', 'ASK', 'BUSY', 'NOREPLICAS', 'OOM', 'MISCONF', 'NOAUTH'];

/**
 * True when a failed command means Redis is unreachable or refusing service (connection
 * closed, timed out, offline, read-only replica, loading...), as opposed to a bug.
 *
 * @example
 * if (isRedisUnavailable(err)) throw new AppError('store_unavailable', 'the store cannot be reached', { cause: err });
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof ReplyError) return UNAVAILABLE_REPLIES.includes(replyCode(err));
  // Everything else ioredis rejects with is about the connection: closed, not writable
  // (offline queue disabled), command timeout, retries exhausted.
  return err instanceof Error;
}

/**
 * How a command of a connection made by `createRedisConnection` (or a Cluster made by
 * `createRedisCluster`) failed, and whether Redis may still have run it:
 * - `timeout`: written to the socket, no answer within the command timeout; Redis may run it
 *   later (a frozen or paused Redis runs what it had queued when it resumes);
 * - `connection`, `mayHaveRun: true`: the connection broke while the command was in flight;
 * - `connection`, `mayHaveRun: false`: refused before it was written (connection down, or ended);
 * - `reply`: Redis answered with a refusal (READONLY, OOM, LOADING, BUSY...); it did not run.
 *   A script refused for OOM or READONLY fails at its first write, so nothing of it was kept.
 *   On a Cluster also the redirections ioredis gave up following (TRYAGAIN while a slot migrates,
 *   CLUSTERDOWN during a failover): each attempt was refused, none ran.
 * Undefined for anything else (a bug, such as an error raised inside a script).
 *
 * @example
 * const failure = redisFailureOf(err); // { kind: 'timeout', mayHaveRun: true }
 */
export function redisFailureOf(err: unknown): RedisFailure | undefined {
  if (err instanceof ReplyError) return UNAVAILABLE_REPLIES.includes(replyCode(err)) ? { kind: 'reply', mayHaveRun: false } : undefined;
  if (!(err instanceof Error)) return undefined;
  if (err.message === TIMED_OUT) return { kind: 'timeout', mayHaveRun: true };
  if (NOT_WRITTEN.has(err.message)) return { kind: 'connection', mayHaveRun: false };
  if (err.message.startsWith(REDIRECTIONS_EXHAUSTED)) {
    // Every attempt was refused (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) or never written (the slot's node
    // was down); a command that was written and then lost its connection is rejected at once instead.
    const refused = CLUSTER_REFUSALS.some((code) => err.message.includes(`ReplyError: ${code}`));
    return { kind: refused ? 'reply' : 'connection', mayHaveRun: false };
  }
  // With `maxRetriesPerRequest: 0` a dropped connection fails the commands it had written with
  // this error (the offline queue is off, so there are no unwritten ones); anything unrecognised
  // is treated the same way, since claiming "not written" must never be a guess.
  return { kind: 'connection', mayHaveRun: true };
}

export interface RedisFailure {
  kind: 'timeout' | 'connection' | 'reply';
  /** False only when the command certainly did not run. */
  mayHaveRun: boolean;
}

/** ioredis' message when `commandTimeout` passed without an answer (Command#setTimeout). */
const TIMED_OUT = 'Command timed out';

/**
 * ioredis' messages for commands rejected in `sendCommand` before anything is written: the stream
 * is not writable and the offline queue is off, or the client has ended. In-flight commands of a
 * dropped connection get MaxRetriesPerRequestError instead, because this connection's retryStrategy
 * always reconnects; "Connection is closed." reaches in-flight commands only on a deliberate
 * `disconnect()`, which the service does at shutdown after `quit()` (answered after them) failed.
 */
const NOT_WRITTEN = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  // A Cluster's own refusals before choosing a node (ioredis cluster/index.js sendCommand, connect).
  "Cluster isn't ready and enableOfflineQueue options is false",
  'Cluster is ended.',
  'None of startup nodes is available',
  'Failed to refresh slots cache.',
]);

/**
 * The start of the message a Cluster rejects with after `maxRedirections` retries of a command the
 * nodes refused or that could not be written (ioredis cluster/index.js handleError).
 */
const REDIRECTIONS_EXHAUSTED = 'Too many Cluster redirections.';
const CLUSTER_REFUSALS = ['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN'];

function replyCode(err: unknown): string {
  return (err instanceof Error ? err.message : '').split(' ', 1)[0] ?? '';
}

function summarize(err: Error): { message: string; code?: unknown } {
  return { message: err.message, code: (err as { code?: unknown }).code };
}
