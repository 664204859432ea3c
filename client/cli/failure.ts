import * as z from 'zod';
import { FieldIssue, RateLimitDetails } from '../../shared/index.js';
import type { ApiFailure } from './http.js';

/** How a run ended badly: 1 when something failed, 2 when the command line was wrong. */
export type ExitCode = 1 | 2;

/**
 * The one error a command throws to stop: `main` prints `liveblog: <message>` on stderr
 * and exits with `exitCode`. The message is one line that says what to do.
 *
 * @example
 * throw new CliError('no token: pass --token or set LIVEBLOG_TOKEN.', 2);
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode = 1,
  ) {
    super(oneLine(message));
  }
}

/**
 * A usage error (exit 2) pointing at the command's help.
 *
 * @example
 * throw usageError('give the blog id', 'post'); // "give the blog id. See "liveblog post --help"."
 */
export function usageError(message: string, command?: string): CliError {
  const help = command === undefined ? 'liveblog --help' : `liveblog ${command} --help`;
  return new CliError(`${message}. See "${help}".`, 2);
}

/** What a request was about, so that a 404 can name it. */
export interface Subject {
  blogId?: string;
  entryId?: string;
}

/**
 * One line saying what went wrong and what to do about it.
 *
 * @example
 * describeFailure({ kind: 'unreachable', url: 'http://localhost:3000', cause: 'ECONNREFUSED' });
 * // 'cannot reach http://localhost:3000: is the server running? (ECONNREFUSED; check --url or LIVEBLOG_URL)'
 */
export function describeFailure(failure: ApiFailure, subject: Subject = {}): string {
  switch (failure.kind) {
    case 'unreachable':
      return `cannot reach ${failure.url}: is the server running? (${failure.cause}; check --url or LIVEBLOG_URL)`;
    case 'foreign':
      return `${failure.url} answered HTTP ${failure.status} but not like a liveblog server; check --url or LIVEBLOG_URL.`;
    case 'refused':
      return describeRefusal(failure, subject);
    default:
      return failure satisfies never;
  }
}

/**
 * Throws the CliError (exit 1) for a failed request.
 *
 * @example
 * if (!res.ok) failWith(res.failure, { blogId });
 */
export function failWith(failure: ApiFailure, subject: Subject = {}): never {
  throw new CliError(describeFailure(failure, subject), 1);
}

function describeRefusal(failure: Extract<ApiFailure, { kind: 'refused' }>, subject: Subject): string {
  const { status, code } = failure;
  const said = oneLine(failure.message);
  switch (code) {
    case 'unauthenticated':
      return `the token was refused (${status}). Check --token or LIVEBLOG_TOKEN.`;
    case 'forbidden':
      return `this needs an admin token (${status}): use the ADMIN_TOKEN or a token made with "liveblog tokens create NAME --role admin".`;
    case 'rate_limited':
      return describeRateLimit(failure);
    case 'blog_not_found':
      return `blog "${subject.blogId ?? '?'}" not found (${status}). "liveblog blogs list" shows the ids.`;
    case 'entry_not_found':
      return `entry "${subject.entryId ?? '?'}" not found in blog "${subject.blogId ?? '?'}" (${status}); was it deleted? "liveblog tail ${subject.blogId ?? 'BLOG'} --history 20" shows the latest ids.`;
    case 'not_found':
      // an unknown route means the URL points somewhere other than the server's root
      return said.startsWith('no route') ? `${said} (${status}); check --url or LIVEBLOG_URL: it is the server's root URL.` : `${said} (${status}).`;
    case 'blog_exists':
      return `${said} (${status}); choose another --id.`;
    case 'blog_ended':
      return `blog "${subject.blogId ?? '?'}" has ended (${status}); "liveblog blogs reopen ${subject.blogId ?? 'BLOG'}" takes it live again.`;
    case 'version_conflict':
      return `${said} (${status}); someone else changed it meanwhile, try again.`;
    case 'validation_failed':
    case 'malformed_json':
    case 'payload_too_large':
    case 'idempotency_key_reused':
    case 'body_too_complex':
      return `the server refused it (${status} ${code}): ${withIssues(said, failure.details)}`;
    case 'store_unavailable':
      return `the server cannot reach its store (${status}); nothing was saved. Try again in a moment.`;
    case 'store_timeout':
      return `the server's store did not confirm it in time (${status} store_timeout), so it may have been saved${subject.blogId === undefined ? '' : `; "liveblog tail ${subject.blogId} --history 5" shows whether it was`}.`;
    case 'internal':
      return `the server failed (${status}, ${said}); try again, and if it keeps failing give the operator this message.`;
    default:
      return code satisfies never;
  }
}

/** Which limit a 429 is about: the token's writes or previews, or this address's refused tokens. */
function describeRateLimit(failure: Extract<ApiFailure, { kind: 'refused' }>): string {
  const details = RateLimitDetails.safeParse(failure.details);
  const wait = `wait ${failure.retryAfter ?? (details.success ? details.data.retryAfterSeconds : 'a minute')} s`;
  if (details.success && details.data.limit !== 'failed_auth') {
    return `this token sent too many ${details.data.limit === 'writes' ? 'changes' : 'previews'} in a minute (${failure.status}); ${wait}, then send it again.`;
  }
  return `too many refused tokens from this address (${failure.status}); ${wait}, then check --token or LIVEBLOG_TOKEN.`;
}

const IssueDetails = z.object({ issues: z.array(FieldIssue) });

/** The server's message already lists the fields; only add those it did not name. */
function withIssues(message: string, details: unknown): string {
  const parsed = IssueDetails.safeParse(details);
  if (!parsed.success) return message;
  const missing = parsed.data.issues.filter((i) => !message.includes(i.path)).map((i) => `${i.path}: ${i.message}`);
  return missing.length === 0 ? message : `${message}; ${missing.join('; ')}`;
}

/**
 * Collapses line breaks so a message stays on one terminal line.
 *
 * @example
 * oneLine('a\n  b'); // 'a b'
 */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
