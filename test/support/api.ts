import type { Blog, Entry, Position } from '../../shared/index.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A small REST client for tests: JSON in, JSON out, bearer token when given.
 *
 * @example
 * const res = await call(url, 'POST', '/api/blogs', { token, body: { title: 'Storm' } });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Creates a blog and fails the test unless it was created. */
export async function createBlog(baseUrl: string, token: string, input: { id?: string; title: string; keyPoints?: string[] }): Promise<Blog> {
  const res = await call<{ blog: Blog }>(baseUrl, 'POST', '/api/blogs', { token, body: input });
  if (res.status !== 201) throw new Error(`creating blog failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.blog;
}

/** Posts a text entry and fails the test unless it was stored. */
export async function postEntry(
  baseUrl: string,
  token: string,
  blogId: string,
  body: string,
  extra: Record<string, unknown> = {},
): Promise<{ entry: Entry; position: Position }> {
  const res = await call<{ entry: Entry; position: Position }>(baseUrl, 'POST', `/api/blogs/${blogId}/entries`, {
    token,
    body: { body, ...extra },
  });
  if (res.status !== 201) throw new Error(`posting entry failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
