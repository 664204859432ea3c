import type { ApiErrorCode } from '../../shared/index.js';

/** HTTP status of each error code; `satisfies` keeps the map exhaustive over the closed code set. */
export const STATUS_OF = {
  validation_failed: 400,
  malformed_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  blog_not_found: 404,
  entry_not_found: 404,
  blog_exists: 409,
  blog_ended: 409,
  version_conflict: 409,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  body_too_complex: 422,
  rate_limited: 429,
  store_unavailable: 503,
  store_timeout: 504,
  internal: 500,
} as const satisfies Record<ApiErrorCode, number>;

/**
 * The one application error. `message` reaches clients (write it for them);
 * `cause` keeps the native error for the logs only.
 *
 * @example
 * throw new AppError('blog_not_found', `no blog "${blogId}"`);
 */
export class AppError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ApiErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS_OF[code];
    this.details = options.details;
  }
}

/** True for errors that mean the store could not be reached (mapped to 503). */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof AppError && err.code === 'store_unavailable';
}
