import { z } from 'zod';
import { DEFAULT_READER_LIMITS } from '../rooms/slow-readers.js';

const Port = z.coerce.number().int().min(0).max(65535);

/** `https://a.example,https://b.example`: each an origin (scheme, host, port; no path). */
const OriginList = z
  .string()
  .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
  .pipe(
    z.array(
      z.string().refine((origin) => {
        try {
          return new URL(origin).origin === origin;
        } catch {
          return false;
        }
      }, 'each must be an origin such as https://news.example (scheme and host, no path or trailing slash)'),
    ).min(1, 'must list at least one origin'),
  );

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `host:port,host:port`: seed nodes of a Redis Cluster, or the sentinels of a Sentinel deployment. */
const HostPortList = z
  .string()
  .transform((value) => value.split(',').map((node) => node.trim()).filter((node) => node !== ''))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'each must be host:port, such as redis-1.internal:6379')
          .transform((node) => {
            const at = node.lastIndexOf(':');
            return { host: node.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(at + 1)) };
          })
          .refine((node) => node.port >= 1 && node.port <= 65535, 'port must be 1-65535'),
      )
      .min(1, 'must list at least one host:port'),
  );

/** `auto` (one per CPU) or a count. */
const Workers = z.union([z.literal('auto'), z.coerce.number().int().min(1).max(256)]);

/** The variables that choose a Redis deployment; at most one may be set. */
const REDIS_MODES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

/** Every environment variable the service reads, parsed once at start. */
export const ConfigSchema = z
  .object({
    PORT: Port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' })
      .optional(),
    REDIS_CLUSTER_NODES: HostPortList.optional(),
    REDIS_SENTINELS: HostPortList.optional(),
    REDIS_SENTINEL_NAME: z.string().min(1).optional(),
    REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
    REDIS_USERNAME: z.string().min(1).optional(),
    REDIS_PASSWORD: z.string().min(1).optional(),
    REDIS_TLS: Bool.default(false),
    REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
    REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    WORKERS: Workers.default(1),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    EVENT_LOG_MAX: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: Bool.default(false),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    NODE_ENV: z.string().optional(),
    METRICS_PORT: Port.optional(),
    METRICS_HOST: z.string().min(1).optional(),
    READER_BUFFER_MAX_BYTES: z.coerce.number().int().min(16 * 1024).max(1024 * 1024 * 1024).default(DEFAULT_READER_LIMITS.bufferMaxBytes),
    READER_WRITE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(DEFAULT_READER_LIMITS.writeTimeoutMs),
    READER_ORIGINS: OriginList.optional(),
    MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).optional(),
    RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
    RATE_LIMIT_PREVIEWS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
    RATE_LIMIT_FAILED_AUTH_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(10),
  })
  .superRefine((env, ctx) => {
    const modes = REDIS_MODES.filter((name) => env[name] !== undefined);
    if (modes.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [modes.join(', ')],
        message: `set only one of ${REDIS_MODES.join(', ')} (one Redis deployment per service); found ${modes.join(' and ')}`,
      });
    }
    if (modes.length > 0 && env.ADMIN_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_TOKEN'],
        message: `required when ${modes[0]} is set (every instance must accept the same admin token)`,
      });
    }
    if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'required when REDIS_SENTINELS is set (the name the sentinels monitor, e.g. mymaster)' });
    }
    if (env.REDIS_CLUSTER_NODES !== undefined && env.REDIS_WAIT_REPLICAS > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_WAIT_REPLICAS'],
        message:
          'must be 0 with REDIS_CLUSTER_NODES: on a Cluster, WAIT is not sent to the primary that owns each blog (replication stays asynchronous; see docs/operations.md)',
      });
    }
    if (modes.length === 0 && env.WORKERS !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message: 'must be 1 in embedded mode (each worker would have its own in-memory blogs); set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS to run several',
      });
    }
    if (env.SHUTDOWN_DRAIN_MS >= env.SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SHUTDOWN_DRAIN_MS'],
        message: `must be less than SHUTDOWN_TIMEOUT_MS (${env.SHUTDOWN_TIMEOUT_MS}): the drain is part of the shutdown, which also has to let readers go and close Redis`,
      });
    }
    if (env.NODE_ENV === 'production' && env.PUBLIC_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message:
          'required when NODE_ENV=production: canonical links, feeds and JSON-LD must not follow the Host header of whoever asks (a shared cache would keep a forged one)',
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/** A config problem, worded so the operator knows which variable to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once. Empty strings count as unset, so `PORT=` falls back to the default.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError: "PORT: ..." on a bad value
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
}
