import type { z } from 'zod';
import type { FieldIssue } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';

/**
 * Parses `value` with `schema`, or throws AppError `validation_failed` (400) whose
 * `details.issues` name each failing field as a dotted path (`media.url`), and whose
 * message lists them, so an editor can fix the request without reading docs.
 *
 * @example
 * const input = parseWith(BlogCreateInput, req.body, 'body');
 * // throws: "invalid body: title: must not be empty" with details { issues: [{ path: 'title', ... }] }
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationError(parsed.error, where);
}

/**
 * The AppError for a failed parse (see `parseWith`).
 *
 * @example
 * throw validationError(result.error, 'query');
 */
export function validationError(error: z.ZodError, where: string): AppError {
  const issues = fieldIssues(error);
  const listed = issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
  return new AppError('validation_failed', `invalid ${where}: ${listed}`, { details: { issues } });
}

/**
 * One FieldIssue per failing field; an unknown key becomes its own issue so it is named too.
 *
 * @example
 * fieldIssues(error); // [{ path: 'media.url', message: 'must be an https:// URL' }]
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}
