import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The root logger. Modules take a scoped child (`logger.child({ module: 'relay' })`).
 * Authorization headers and token fields are redacted wherever they appear. `bindings` go on
 * every line (a worker process' id, so its lines can be told apart in one stream).
 *
 * @example
 * const log = createLogger('info').child({ module: 'store' });
 * const workerLog = createLogger('info', { worker: 2 });
 */
export function createLogger(level: string, bindings: Record<string, string | number> = {}): Logger {
  return pino({
    level,
    base: { service: 'liveblog', ...bindings },
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
