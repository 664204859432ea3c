import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import type { FieldIssue } from '../../shared/index.js';
import { AppError } from '../errors/app-error.js';

/** A UTF-16 surrogate without its partner: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Longest field path named in an answer. */
const MAX_PATH = 200;
/** What a lenient decoder puts where the bytes were not UTF-8. */
const REPLACEMENT = '\uFFFD';

/**
 * Why `text` cannot be stored as text, if it cannot: NUL characters (which C libraries, terminals
 * and XML cut or refuse) and lone surrogates (which no UTF-8 encoder can write).
 *
 * @example
 * textProblem('a\u0000b'); // 'must not contain NUL characters'
 */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (no lone surrogates)';
  return undefined;
}

/**
 * The first string in a parsed JSON value (values and field names) that is not storable text, as
 * a field issue whose path is dotted like those of validation errors (`keyPoints.2`). Iterative, so
 * a deeply nested body cannot overflow the stack.
 *
 * @example
 * findBadText({ title: 'ok', keyPoints: ['x\u0000'] }); // { path: 'keyPoints.1', message: 'must not contain NUL characters' }
 */
export function findBadText(value: unknown, problemOf: (text: string) => string | undefined = textProblem): FieldIssue | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      const problem = problemOf(current);
      if (problem !== undefined) return { path, message: problem };
    } else if (typeof current === 'object' && current !== null) {
      const entries = Array.isArray(current) ? current.map((item, i) => [String(i), item] as const) : Object.entries(current);
      // reversed, so the first field in the body is the one named
      for (const [key, item] of entries.reverse()) {
        // past MAX_PATH the path is cut anyway: do not grow it with the nesting
        const itemPath = path === '' ? key : path.length > MAX_PATH ? path : `${path}.${key}`;
        const keyProblem = problemOf(key);
        if (keyProblem !== undefined) return { path: itemPath, message: `field name ${keyProblem}` };
        pending.push({ value: item, path: itemPath });
      }
    }
  }
  return undefined;
}

/**
 * The 400 for a body whose bytes are not UTF-8, naming the field where a lenient decoding had to
 * replace bytes (or the whole body when that cannot be told). Call it from the body parser's
 * `verify` hook, which sees the raw bytes.
 *
 * @example
 * express.json({ verify: (_req, _res, buf) => refuseInvalidUtf8(buf) });
 */
export function refuseInvalidUtf8(raw: Buffer): void {
  if (isUtf8(raw)) return;
  let issue: FieldIssue = { path: '', message: 'must be valid UTF-8' };
  try {
    const lenient: unknown = JSON.parse(new TextDecoder('utf-8').decode(raw));
    const found = findBadText(lenient, (text) => (text.includes(REPLACEMENT) ? 'must be valid UTF-8' : undefined));
    if (found !== undefined) issue = found;
  } catch {
    // not JSON either way: the body as a whole is named
  }
  throw invalidText('body', issue);
}

/**
 * Refuses a query string with bytes that are not UTF-8, NUL characters or lone surrogates in any
 * key or value (400 `validation_failed` naming `query.<key>`). Express' query parser would turn
 * invalid bytes into U+FFFD silently.
 *
 * @example
 * app.use('/api', queryText);
 */
export const queryText: RequestHandler = (req, _res, next) => {
  const search = req.originalUrl.indexOf('?');
  if (search === -1) return next();
  for (const pair of req.originalUrl.slice(search + 1).split('&')) {
    const [rawKey = '', rawValue = ''] = pair.split('=', 2);
    const key = percentDecoded(rawKey);
    const value = percentDecoded(rawValue);
    const name = key.toString('utf8');
    const problem = !isUtf8(key) || !isUtf8(value) ? 'must be valid UTF-8' : (textProblem(name) ?? textProblem(value.toString('utf8')));
    if (problem !== undefined) return next(invalidText('query', { path: name.replace(/[^\x20-\x7e]/g, '?').slice(0, 64), message: problem }));
  }
  next();
};

/** The bytes a query component stands for: `%XX` escapes and `+` decoded, other characters as the bytes Node read. */
function percentDecoded(component: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < component.length; i += 1) {
    const hex = component[i] === '%' ? component.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      // the request line arrives as latin1: one character per byte
      bytes.push(component[i] === '+' ? 0x20 : component.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * The 400 for text that is not storable, in the shape of every validation error.
 *
 * @example
 * throw invalidText('body', { path: 'title', message: 'must not contain NUL characters' });
 */
export function invalidText(where: 'body' | 'query', found: FieldIssue): AppError {
  // a path as deep as the body is nested would echo the body back
  const issue = found.path.length > MAX_PATH ? { ...found, path: `${found.path.slice(0, MAX_PATH)}…` } : found;
  const named = issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
  return new AppError('validation_failed', `invalid ${where}: ${named}`, { details: { issues: [issue] } });
}
