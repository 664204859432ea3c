import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { ApiErrorBody, type ApiErrorCode } from '../../shared/index.js';

/** Why a request did not succeed; a closed set, each described by `describeFailure`. */
export type ApiFailure =
  /** No HTTP answer: connection refused, DNS, reset, timeout. */
  | { kind: 'unreachable'; url: string; cause: string }
  /** The server answered with its error body. */
  | { kind: 'refused'; status: number; code: ApiErrorCode; message: string; details: unknown; retryAfter: string | undefined }
  /** Something answered, but not the way a liveblog server does (a proxy's error page, a wrong URL). */
  | { kind: 'foreign'; status: number; url: string };

/** `attempts`: how many times the request was sent (more than 1 after retries). */
export type ApiResult<T> = { ok: true; status: number; data: T; replayed: boolean; attempts: number } | { ok: false; failure: ApiFailure };

/**
 * When a failed attempt is sent again:
 * - `unavailable`: only after a 503 `store_unavailable`, which guarantees nothing was written;
 * - `resend`: also after a 504 `store_timeout`, network errors and gateway errors, for requests the server
 *   deduplicates (a POST with an `Idempotency-Key`) or that change nothing (GET).
 */
export type RetryPolicy = 'unavailable' | 'resend';

export interface ApiRequest<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under the server URL, e.g. `/api/blogs`. */
  path: string;
  body?: unknown;
  /** The 2xx answer's schema; `NoContent` for a 204. */
  answer: z.ZodType<T>;
  idempotencyKey?: string;
  retry?: RetryPolicy;
}

export interface ApiOptions {
  url: string;
  token: string | undefined;
  /** Told before each retry, e.g. to show it on a terminal. */
  onRetry?: (note: string) => void;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
}

/** The answer of a 204: no body. */
export const NoContent = z.undefined();

/** About 5.5 s in all: long enough to ride out a restart or a Redis failover, short enough to wait for. */
const RETRY_DELAYS_MS = [300, 700, 1_500, 3_000] as const;
const TIMEOUT_MS = 15_000;
const GATEWAY_ERRORS = new Set([502, 503, 504]);

/**
 * The REST API of one server, with the token (never logged or shown) and retries.
 *
 * @example
 * const api = new ApiClient({ url: 'http://localhost:3000', token });
 * const res = await api.request({ method: 'GET', path: '/api/blogs', answer: BlogList });
 * if (res.ok) console.log(res.data.blogs.length);
 */
export class ApiClient {
  constructor(private readonly options: ApiOptions) {}

  get url(): string {
    return this.options.url;
  }

  async request<T>(request: ApiRequest<T>): Promise<ApiResult<T>> {
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    const policy = request.retry ?? 'unavailable';
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.attempt(request);
      if (result.ok) return { ...result, attempts: attempt + 1 };
      const delay = delays[attempt];
      if (delay === undefined || !retryable(result.failure, policy)) return result;
      const key = request.idempotencyKey === undefined ? '' : ' with the same Idempotency-Key';
      this.options.onRetry?.(`${shortReason(result.failure)}; trying again${key} (${attempt + 2} of ${delays.length + 1})`);
      await sleep(delay);
    }
  }

  private async attempt<T>(request: ApiRequest<T>): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.options.url}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
      });
      text = await res.text();
    } catch (err) {
      return { ok: false, failure: { kind: 'unreachable', url: this.options.url, cause: causeOf(err) } };
    }
    const body = parseJson(text);
    if (res.ok) {
      const parsed = request.answer.safeParse(body);
      if (!parsed.success) return { ok: false, failure: { kind: 'foreign', status: res.status, url: this.options.url } };
      return { ok: true, status: res.status, data: parsed.data, replayed: res.headers.get('idempotent-replayed') === 'true', attempts: 1 };
    }
    const error = ApiErrorBody.safeParse(body);
    if (!error.success) return { ok: false, failure: { kind: 'foreign', status: res.status, url: this.options.url } };
    const { code, message, details } = error.data.error;
    return {
      ok: false,
      failure: { kind: 'refused', status: res.status, code, message, details, retryAfter: res.headers.get('retry-after') ?? undefined },
    };
  }
}

function retryable(failure: ApiFailure, policy: RetryPolicy): boolean {
  switch (failure.kind) {
    case 'refused':
      // a timed-out write may have been stored: only a deduplicated request may be sent again
      return failure.code === 'store_unavailable' || (policy === 'resend' && failure.code === 'store_timeout');
    case 'unreachable':
      return policy === 'resend';
    case 'foreign':
      return policy === 'resend' && GATEWAY_ERRORS.has(failure.status);
    default:
      return failure satisfies never;
  }
}

function shortReason(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'refused':
      return `the server answered ${failure.status} ${failure.code}`;
    case 'unreachable':
      return `no answer from ${failure.url} (${failure.cause})`;
    case 'foreign':
      return `${failure.url} answered HTTP ${failure.status}`;
    default:
      return failure satisfies never;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** fetch hides the reason in `cause` (ECONNREFUSED, ENOTFOUND…); a timeout is its own error. */
function causeOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause = err instanceof Error ? err.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
