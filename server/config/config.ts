import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65535);

/** Every environment variable the service reads, parsed once at start. */
export const ConfigSchema = z
  .object({
    PORT: Port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' })
      .optional(),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    EVENT_LOG_MAX: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_URL !== undefined && env.ADMIN_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_TOKEN'],
        message: 'required when REDIS_URL is set (every instance must accept the same admin token)',
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
