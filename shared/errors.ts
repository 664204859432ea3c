import * as z from 'zod';

/** Every error code a client can receive over REST. Closed: a new code is a protocol change. */
export const ApiErrorCode = z.enum([
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'forbidden',
  'not_found',
  'blog_not_found',
  'entry_not_found',
  'blog_exists',
  'blog_ended',
  'version_conflict',
  'payload_too_large',
  'idempotency_key_reused',
  'body_too_complex',
  'rate_limited',
  'store_unavailable',
  'store_timeout',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

/** The limits a 429 `rate_limited` can be about: writes and previews per token, failed authentications per address. */
export const RateLimitName = z.enum(['writes', 'previews', 'failed_auth']);
export type RateLimitName = z.infer<typeof RateLimitName>;

/** `details` of a 429 `rate_limited`: which limit, and when to retry (also in `Retry-After`). */
export const RateLimitDetails = z.object({ limit: RateLimitName, retryAfterSeconds: z.number().int().positive() });
export type RateLimitDetails = z.infer<typeof RateLimitDetails>;

/** One failing field of a 400: `path` as dotted field names, e.g. `media.url`. */
export const FieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;

/** The body of every non-2xx REST response. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: ApiErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Every error code a socket `subscribe` ack can carry. */
export const SocketErrorCode = z.enum([
  'invalid_request',
  'blog_not_found',
  'too_many_subscriptions',
  'rate_limited',
  'unavailable',
]);
export type SocketErrorCode = z.infer<typeof SocketErrorCode>;
