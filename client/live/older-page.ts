import { ApiErrorBody, BlogPage, type ApiErrorCode, type BlogId, type Cursor } from '../../shared/index.js';

/** A REST request of the client that did not succeed. */
export class LiveRequestError extends Error {
  override readonly name = 'LiveRequestError';

  constructor(
    message: string,
    /** The HTTP status, or 0 when no valid answer came. */
    readonly status: number,
    /** The API's error code, when the server sent one. */
    readonly code: ApiErrorCode | undefined,
  ) {
    super(message);
  }
}

/**
 * Fetches the page of a blog's entries that follows `cursor` (newest first).
 * Rejects with `LiveRequestError` on an error status or an answer that is not a page.
 *
 * @example
 * const page = await fetchOlderPage(fetch, 'https://live.example.com', 'storm', state.olderCursor);
 */
export async function fetchOlderPage(fetchFn: typeof fetch, origin: string, blogId: BlogId, cursor: Cursor): Promise<BlogPage> {
  const url = `${origin}/api/blogs/${encodeURIComponent(blogId)}?cursor=${encodeURIComponent(cursor)}`;
  const res = await fetchFn(url, { headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = ApiErrorBody.safeParse(body);
    const detail = error.success ? `${error.data.error.code}: ${error.data.error.message}` : `HTTP ${res.status}`;
    throw new LiveRequestError(`loading older entries of "${blogId}" failed (${detail})`, res.status, error.success ? error.data.error.code : undefined);
  }
  const page = BlogPage.safeParse(body);
  if (!page.success) throw new LiveRequestError(`loading older entries of "${blogId}": the answer is not a page`, res.status, undefined);
  return page.data;
}
