import express, { type RequestHandler } from 'express';
import { LIMITS } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';
import { findBadText, invalidText, refuseInvalidUtf8 } from './text-guard.js';

/** Methods whose body this API reads; each must be sent as JSON. */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Parses JSON request bodies up to 256 KiB and turns every body problem into an AppError:
 * a write that is not `application/json` → 400 `validation_failed`, broken JSON → 400
 * `malformed_json`, too large → 413 `payload_too_large`, bytes that are not UTF-8, NUL
 * characters or lone surrogates in any string → 400 `validation_failed` naming the field.
 * Mount it before the routers.
 *
 * @example
 * app.use(jsonBody());
 * app.use('/api', createRestRouter({ store, auth, logger }));
 */
export function jsonBody(): RequestHandler {
  const parse = express.json({ limit: LIMITS.requestBodyBytes, verify: (_req, _res, raw) => refuseInvalidUtf8(raw) });
  return (req, res, next) => {
    if (WRITE_METHODS.has(req.method) && !isJsonContentType(req.get('content-type'))) {
      next(
        new AppError('validation_failed', `${req.method} requests need a JSON body with "Content-Type: application/json"`, {
          details: { issues: [{ path: 'Content-Type', message: 'must be application/json' }] },
        }),
      );
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) return next(bodyError(err));
      const bad = findBadText(req.body);
      next(bad === undefined ? undefined : invalidText('body', bad));
    });
  };
}

/**
 * True for `application/json`, with or without parameters (`; charset=utf-8`).
 *
 * @example
 * isJsonContentType('application/json; charset=utf-8'); // true
 */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The body parser's errors carry a `type`; anything it did not classify is passed on untouched. */
function bodyError(err: unknown): unknown {
  // refuseInvalidUtf8's own refusal, passed through by the parser's verify step
  if (err instanceof AppError) return err;
  const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
  switch (type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', `the request body is larger than ${LIMITS.requestBodyBytes} bytes`, {
        cause: err,
      });
    case 'entity.parse.failed':
      return new AppError('malformed_json', 'the request body is not valid JSON', { cause: err });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('validation_failed', 'send the body as uncompressed UTF-8 JSON', { cause: err });
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('validation_failed', 'the request body was incomplete', { cause: err });
    default:
      return err;
  }
}
