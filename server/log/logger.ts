import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The root logger. Modules take a scoped child (`logger.child({ module: 'relay' })`).
 * Authorization headers and token fields are redacted wherever they appear.
 *
 * @example
 * const log = createLogger('info').child({ module: 'store' });
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'liveblog' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token', 'adminToken', '*.adminToken'],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
