import * as z from 'zod';
import {
  ApiErrorBody,
  BlogList,
  BlogWriteResult,
  EntryWriteResult,
  RateLimitDetails,
  WriteWarning,
  type ApiErrorCode,
  type BlogCreateInput,
  type BlogPatchInput,
  type EntryCreateInput,
  type EntryPatchInput,
} from '../../shared/index.js';
import { PreviewResult } from '../../shared/protocol/preview.js';

/** What a 202 adds to any write's answer (see `WriteWarning`). */
const WarningPart = z.object({ replication: WriteWarning });

/**
 * The editor's line for a write answered 202: it is published, but not yet as safe as the server was asked to make it.
 *
 * @example
 * describeWarning({ code: 'not_replicated', replicas: 0, wanted: 1 }); // 'Saved, but not yet copied to a replica (0 of 1 confirmed). …'
 */
export function describeWarning(warning: WriteWarning): string {
  switch (warning.code) {
    case 'not_replicated':
      return `Saved, but not yet copied to a replica (${warning.replicas} of ${warning.wanted} confirmed). Readers have it; if the database fails over now it could be lost, so check the stream afterwards.`;
    default:
      return warning.code satisfies never;
  }
}

/**
 * Why a request did not succeed, as a closed set:
 * - `network`: no answer (offline, connection reset, timeout): the request may or may not have arrived;
 * - `refused`: the server answered with one of the protocol's errors;
 * - `unreadable`: an answer that is not the protocol's (a proxy's error page, a version skew).
 */
export type ApiFailure =
  | { kind: 'network'; message: string }
  | { kind: 'refused'; status: number; code: ApiErrorCode; message: string; details: unknown; retryAfterSeconds: number | undefined }
  | { kind: 'unreadable'; status: number; message: string };

export type ApiResult<T> = { ok: true; value: T; replayed: boolean } | { ok: false; failure: ApiFailure };

/** What the console sends; the server applies the defaults. */
export type EntryCreateBody = z.input<typeof EntryCreateInput>;
export type BlogCreateBody = z.input<typeof BlogCreateInput>;
export type BlogPatchBody = z.input<typeof BlogPatchInput>;
export type EntryPatchBody = z.input<typeof EntryPatchInput>;

/** Longer than any sane answer; a request hanging past it is treated like a dropped connection. */
const TIMEOUT_MS = 20_000;

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Parses the 2xx answer; `undefined` for answers without a body (204). */
  schema: z.ZodType<T> | undefined;
}

/**
 * The console's REST client: every answer is parsed with the protocol's schemas before it goes
 * further, and every outcome is a value (never a throw), so callers switch over what happened.
 *
 * @example
 * const api = new ConsoleApi(token);
 * const result = await api.createEntry('storm', { body: 'Polls close' }, draft.key);
 * if (!result.ok && result.failure.kind === 'network') scheduleRetry();
 */
export class ConsoleApi {
  constructor(
    private readonly token: string,
    private readonly options: {
      /** Server origin; default the page's own. */
      origin?: string;
      /** Told after every request whether the server answered at all (for the offline banner). */
      onReachability?: (reachable: boolean) => void;
      /** Told when a write succeeded with a warning (202), e.g. stored but not yet replicated. */
      onWarning?: (warning: WriteWarning) => void;
    } = {},
  ) {}

  /** Renders Markdown as a stored entry would be; with `''` it is the cheapest authenticated call. */
  preview(body: string): Promise<ApiResult<PreviewResult>> {
    return this.request({ method: 'POST', path: '/api/preview', body: { body }, schema: PreviewResult });
  }

  listBlogs(): Promise<ApiResult<BlogList>> {
    return this.request({ method: 'GET', path: '/api/blogs', schema: BlogList });
  }

  createBlog(input: BlogCreateBody): Promise<ApiResult<BlogWriteResult>> {
    return this.request({ method: 'POST', path: '/api/blogs', body: input, schema: BlogWriteResult });
  }

  patchBlog(blogId: string, patch: BlogPatchBody): Promise<ApiResult<BlogWriteResult>> {
    return this.request({ method: 'PATCH', path: `/api/blogs/${encodeURIComponent(blogId)}`, body: patch, schema: BlogWriteResult });
  }

  /** `idempotencyKey` belongs to the draft: the same key for every retry of the same draft. */
  createEntry(blogId: string, input: EntryCreateBody, idempotencyKey: string): Promise<ApiResult<EntryWriteResult>> {
    return this.request({
      method: 'POST',
      path: `/api/blogs/${encodeURIComponent(blogId)}/entries`,
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
      schema: EntryWriteResult,
    });
  }

  patchEntry(blogId: string, entryId: string, patch: EntryPatchBody): Promise<ApiResult<EntryWriteResult>> {
    return this.request({
      method: 'PATCH',
      path: `/api/blogs/${encodeURIComponent(blogId)}/entries/${encodeURIComponent(entryId)}`,
      body: patch,
      schema: EntryWriteResult,
    });
  }

  deleteEntry(blogId: string, entryId: string): Promise<ApiResult<undefined>> {
    return this.request({
      method: 'DELETE',
      path: `/api/blogs/${encodeURIComponent(blogId)}/entries/${encodeURIComponent(entryId)}`,
      schema: undefined,
    });
  }

  private async request<T>(spec: RequestSpec<T>): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json', ...spec.headers };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.options.origin ?? ''}${spec.path}`, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await response.text();
    } catch (err) {
      this.options.onReachability?.(false);
      return { ok: false, failure: { kind: 'network', message: err instanceof Error ? err.message : String(err) } };
    }
    this.options.onReachability?.(true);
    const json = parseJson(text);
    if (!response.ok) return { ok: false, failure: refusal(response, json) };
    const warned = response.status === 202 ? WarningPart.safeParse(json) : undefined;
    if (warned?.success === true) this.options.onWarning?.(warned.data.replication);
    if (spec.schema === undefined) return { ok: true, value: undefined as T, replayed: false };
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      return { ok: false, failure: { kind: 'unreadable', status: response.status, message: 'the server sent an answer the console does not understand' } };
    }
    return { ok: true, value: parsed.data, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function refusal(response: Response, json: unknown): ApiFailure {
  const parsed = ApiErrorBody.safeParse(json);
  if (!parsed.success) {
    return { kind: 'unreadable', status: response.status, message: `the server answered ${response.status} ${response.statusText}`.trim() };
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const { code, message, details } = parsed.data.error;
  return {
    kind: 'refused',
    status: response.status,
    code,
    message,
    details,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
}

/**
 * True when the same request may simply be sent again later: no answer, the store was down, a
 * rate limit, or a gateway's error page. A refusal about the request itself is not.
 *
 * @example
 * if (isTransient(result.failure)) retryLater();
 */
export function isTransient(failure: ApiFailure): boolean {
  switch (failure.kind) {
    case 'network':
      return true;
    case 'unreadable':
      return failure.status >= 500 || failure.status === 429 || failure.status === 408;
    case 'refused':
      return failure.code === 'store_unavailable' || failure.code === 'store_timeout' || failure.code === 'rate_limited' || failure.code === 'internal';
    default:
      return failure satisfies never;
  }
}

/**
 * One line for the editor: what happened and what to do.
 *
 * @example
 * status.textContent = describeFailure(result.failure);
 */
export function describeFailure(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'network':
      return 'The server could not be reached. Check the connection.';
    case 'unreadable':
      return `Unexpected answer from the server (${failure.status}). Try again in a moment.`;
    case 'refused':
      return refusalText(failure);
    default:
      return failure satisfies never;
  }
}

function refusalText(failure: Extract<ApiFailure, { kind: 'refused' }>): string {
  const { code, message } = failure;
  switch (code) {
    case 'unauthenticated':
      return 'Your token was refused (revoked or mistyped). Sign in again.';
    case 'forbidden':
      return 'Your token may not do this. Ask an admin.';
    case 'rate_limited':
      return rateLimitText(failure);
    case 'store_unavailable':
      return 'The server cannot reach its database right now. Nothing was saved.';
    case 'store_timeout':
      return 'The server could not confirm the save in time, so it may have been saved.';
    case 'blog_ended':
      return 'This live blog has ended. Reopen it in Settings to publish again.';
    case 'blog_not_found':
      return 'This live blog no longer exists.';
    case 'entry_not_found':
      return 'This entry was deleted meanwhile.';
    case 'payload_too_large':
      return 'This is too long to send. Shorten it.';
    case 'internal':
      return 'The server failed on this request. Try again; if it persists, tell the tech desk.';
    case 'validation_failed':
    case 'malformed_json':
    case 'not_found':
    case 'blog_exists':
    case 'version_conflict':
    case 'idempotency_key_reused':
    case 'body_too_complex':
      return message;
    default:
      return code satisfies never;
  }
}

/** Which limit a 429 is about: this token's writes or previews, or failed sign-ins from this address. */
function rateLimitText(failure: Extract<ApiFailure, { kind: 'refused' }>): string {
  const details = RateLimitDetails.safeParse(failure.details);
  const wait = failure.retryAfterSeconds ?? (details.success ? details.data.retryAfterSeconds : 60);
  switch (details.success ? details.data.limit : 'failed_auth') {
    case 'writes':
      return `You are saving faster than the server allows for one token. Try again in ${wait} s.`;
    case 'previews':
      return `Too many previews in a minute. Formatting shows again in ${wait} s.`;
    case 'failed_auth':
      return `Too many failed sign-ins from this address. Try again in ${wait} s.`;
    default:
      return failure.message;
  }
}
