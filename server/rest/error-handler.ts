import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { ApiErrorBody } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';

/**
 * The catch-all after every router: an unknown route becomes 404 `not_found`.
 *
 * @example
 * app.use(notFoundHandler);
 * app.use(errorHandler(logger));
 */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * The one central error handler. An AppError is answered with its status and
 * `{ error: { code, message, details? } }`; anything else is logged with the request id and
 * answered 500 `internal` with a generic message, so no internals reach the client.
 *
 * @example
 * app.use(errorHandler(logger));
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  const log = logger.child({ module: 'http-errors' });
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // too late for a JSON error; Express' default handler closes the connection
      next(err);
      return;
    }
    const requestId = requestIdOf(req, res);
    const appError = toAppError(err, requestId);
    const where = { requestId, method: req.method, path: req.path, code: appError.code };
    switch (appError.code) {
      case 'internal':
        log.error({ ...where, err }, 'request failed');
        break;
      case 'store_unavailable':
      case 'store_timeout':
        // expected during a Redis blip; the cause says which command failed
        log.warn({ ...where, err: appError.cause ?? appError }, appError.code === 'store_timeout' ? 'store write outcome unknown' : 'store unavailable');
        break;
      default:
        log.debug(where, 'request refused');
    }

    const body: ApiErrorBody = {
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details === undefined ? {} : { details: appError.details }),
      },
    };
    res.status(appError.status).set('Cache-Control', 'no-store').json(body);
  };
}

/** Errors that did not come from our code are either a client mistake Express caught or a bug. */
function toAppError(err: unknown, requestId: string): AppError {
  if (err instanceof AppError) return err;
  const status = httpStatusOf(err);
  // e.g. a path segment with a broken %-escape, rejected by Express' router before our handlers
  if (status === 400) return new AppError('validation_failed', 'the request is malformed', { cause: err });
  if (status === 413) return new AppError('payload_too_large', 'the request is too large', { cause: err });
  return new AppError('internal', `internal error (request id ${requestId})`, { details: { requestId }, cause: err });
}

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = 'status' in err ? err.status : 'statusCode' in err ? err.statusCode : undefined;
  // http-errors mark client errors `expose`; the router's URIError for a bad %-escape carries only a status
  const exposed = ('expose' in err && err.expose === true) || err instanceof URIError;
  return exposed && typeof status === 'number' ? status : undefined;
}

/** The id the app's request logger assigned, else the proxy's `X-Request-Id`, else a new one. */
function requestIdOf(req: Request, res: Response): string {
  const assigned: unknown = res.locals['requestId'];
  if (typeof assigned === 'string' && assigned !== '') return assigned;
  const header = req.get('x-request-id');
  if (header !== undefined && /^[\w.:-]{1,128}$/.test(header)) return header;
  return randomUUID();
}
