import type { Request } from 'express';
import { z } from 'zod';
import { LIMITS } from '../../shared/index.js';
import { parseWith } from '../domain/validation.js';

export { parseWith };

/** `Idempotency-Key`: 1–200 printable ASCII characters. */
export const IdempotencyKey = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.idempotencyKeyMaxLength, `must be at most ${LIMITS.idempotencyKeyMaxLength} characters`)
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII');

const IdempotencyHeader = z.object({ 'Idempotency-Key': IdempotencyKey.optional() });

/**
 * The request's `Idempotency-Key`, undefined when absent; 400 `validation_failed` when malformed.
 *
 * @example
 * const key = idempotencyKeyOf(req); // 'console-7f3a-42' | undefined
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  return parseWith(IdempotencyHeader, { 'Idempotency-Key': req.get('idempotency-key') }, 'headers')['Idempotency-Key'];
}

/**
 * Route parameters parsed with `schema` (400 naming the bad parameter, e.g. `blogId`).
 *
 * @example
 * const { blogId } = paramsOf(req, z.object({ blogId: BlogId }));
 */
export function paramsOf<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseWith(schema, req.params, 'path');
}

/**
 * The query string parsed with `schema`.
 *
 * @example
 * const { limit, cursor } = queryOf(req, BlogPageQuery);
 */
export function queryOf<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseWith(schema, req.query, 'query');
}

/**
 * The JSON body parsed with `schema`.
 *
 * @example
 * const input = bodyOf(req, BlogCreateInput);
 */
export function bodyOf<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseWith(schema, req.body, 'body');
}
