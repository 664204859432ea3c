import { ApiErrorBody, BlogPage, EntryWriteResult, RateLimitDetails, type Blog, type Entry, type EntryCreateInput } from '../../shared/index.js';
import { assertNever } from '../domain/command-deps.js';
import type { FeedSettings } from './feed-args.js';

/** What can come of a request; `message` is one line for the terminal. */
export type Failure = {
  ok: false;
  /** `retry`: the server could not be reached or was unavailable, the same request may succeed later. */
  reason: 'refused' | 'blog_not_found' | 'blog_ended' | 'rejected' | 'retry';
  message: string;
};

export type BlogCheck = { ok: true; blog: Blog } | Failure;
export type Posted = { ok: true; entry: Entry; replayed: boolean } | Failure;

/**
 * Checks that the blog exists and is live before the first post (a public read, no token).
 *
 * @example
 * const check = await checkBlog(settings, signal);
 * if (!check.ok) console.error(check.message);
 */
export async function checkBlog(settings: FeedSettings, signal: AbortSignal): Promise<BlogCheck> {
  const res = await request(settings, `/api/blogs/${settings.blogId}?limit=1`, { signal });
  if (!res.ok) return res;
  if (res.status !== 200) return failure(settings, res.status, res.body);
  const page = BlogPage.safeParse(res.body);
  if (!page.success) return { ok: false, reason: 'rejected', message: `${settings.baseUrl} did not answer like a liveblog server` };
  if (page.data.blog.status === 'ended') return ended(settings);
  return { ok: true, blog: page.data.blog };
}

/**
 * Posts one entry with an `Idempotency-Key`, so resending after a lost answer never makes a duplicate.
 *
 * @example
 * const posted = await postDemoEntry(settings, input, `demo-feed-${randomUUID()}`, signal);
 */
export async function postDemoEntry(settings: FeedSettings, input: EntryCreateInput, idempotencyKey: string, signal: AbortSignal): Promise<Posted> {
  const res = await request(settings, `/api/blogs/${settings.blogId}/entries`, {
    signal,
    method: 'POST',
    headers: {
      authorization: `Bearer ${settings.token}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify(input),
  });
  if (!res.ok) return res;
  if (res.status !== 201) return failure(settings, res.status, res.body);
  const written = EntryWriteResult.safeParse(res.body);
  if (!written.success) return { ok: false, reason: 'rejected', message: `${settings.baseUrl} answered 201 without an entry` };
  return { ok: true, entry: written.data.entry, replayed: res.replayed };
}

type Answer = { ok: true; status: number; body: unknown; replayed: boolean } | Failure;

async function request(settings: FeedSettings, path: string, init: RequestInit & { signal: AbortSignal }): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(`${settings.baseUrl}${path}`, init);
  } catch (err) {
    if (init.signal.aborted) throw err;
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    return { ok: false, reason: 'retry', message: `cannot reach ${settings.baseUrl} (${cause}); is the server running? (npm start)` };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { ok: true, status: res.status, body, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

function failure(settings: FeedSettings, status: number, body: unknown): Failure {
  const parsed = ApiErrorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const said = parsed.success ? parsed.data.error.message : `HTTP ${status}`;
  switch (code) {
    case 'rate_limited':
      // a token over its write limit is not a wrong token: slow down rather than check the token
      if (RateLimitDetails.safeParse(parsed.data?.error.details).data?.limit === 'writes') {
        return { ok: false, reason: 'rejected', message: `${settings.baseUrl} refused the entry (${code}: ${said}); post less often (--interval-ms)` };
      }
      return { ok: false, reason: 'refused', message: `${settings.baseUrl} refused the token (${code}: ${said}); check LIVEBLOG_TOKEN or ADMIN_TOKEN` };
    case 'unauthenticated':
    case 'forbidden':
      return { ok: false, reason: 'refused', message: `${settings.baseUrl} refused the token (${code}: ${said}); check LIVEBLOG_TOKEN or ADMIN_TOKEN` };
    case 'blog_not_found':
      return {
        ok: false,
        reason: 'blog_not_found',
        message: `no blog "${settings.blogId}" at ${settings.baseUrl}; the embedded server seeds it at start, or pass --blog <id>`,
      };
    case 'blog_ended':
      return ended(settings);
    case 'store_unavailable':
      return { ok: false, reason: 'retry', message: `${settings.baseUrl} cannot reach its store (${said})` };
    case 'store_timeout':
      // the runner sends it again under the same Idempotency-Key, which stores it once
      return { ok: false, reason: 'retry', message: `${settings.baseUrl} could not confirm the entry in time, it may have been stored (${said})` };
    case undefined:
      if (status >= 500) return { ok: false, reason: 'retry', message: `${settings.baseUrl} answered HTTP ${status}` };
      return { ok: false, reason: 'rejected', message: `${settings.baseUrl} answered HTTP ${status}; is LIVEBLOG_URL a liveblog server?` };
    case 'validation_failed':
    case 'malformed_json':
    case 'not_found':
    case 'entry_not_found':
    case 'blog_exists':
    case 'version_conflict':
    case 'payload_too_large':
    case 'idempotency_key_reused':
    case 'body_too_complex':
    case 'internal':
      return { ok: false, reason: 'rejected', message: `${settings.baseUrl} refused the entry (${code}: ${said})` };
    default:
      return assertNever(code);
  }
}

function ended(settings: FeedSettings): Failure {
  return { ok: false, reason: 'blog_ended', message: `blog "${settings.blogId}" has ended; set its status back to "live" to post to it` };
}
