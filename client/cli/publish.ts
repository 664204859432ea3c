import { randomUUID } from 'node:crypto';
import { EntryCreateInput, EntryWriteResult, type BlogId, type WriteWarning } from '../../shared/index.js';
import { usageError } from './failure.js';
import type { ApiClient, ApiResult } from './http.js';

/**
 * What a post's success line adds when it took more than one attempt: that the retries carried the
 * same key, so the entry exists once however many of them reached the server.
 *
 * @example
 * say(io, `posted ${id} to storm${retriedNote(res.attempts)}`); // 'posted 0f3… to storm (sent 2 times with the same Idempotency-Key: stored once)'
 */
export function retriedNote(attempts: number): string {
  return attempts > 1 ? ` (sent ${attempts} times with the same Idempotency-Key: stored once)` : '';
}

/**
 * What a write's success line adds when the server answered 202: the write is stored and readers
 * have it, but the Redis replicas the server waits for did not all confirm it in time.
 *
 * @example
 * say(io, `posted ${id} to storm${replicationNote(res.data.replication)}`); // 'posted 0f3… to storm: stored, not yet copied to a replica (0 of 1 confirmed)'
 */
export function replicationNote(replication: WriteWarning | undefined): string {
  if (replication === undefined) return '';
  switch (replication.code) {
    case 'not_replicated':
      return `: stored, not yet copied to a replica (${replication.replicas} of ${replication.wanted} confirmed)`;
    default:
      return replication.code satisfies never;
  }
}

/** How the fields of an entry are called on the command line, for error messages. */
const FIELD_FLAGS: Record<string, string> = {
  kind: '--kind',
  title: '--title',
  body: 'the text',
  attribution: '--attribution',
  media: '--media-url',
  'media.url': '--media-url',
  'media.caption': '--caption',
  keyEvent: '--key-event',
  pinned: '--pin',
};

/**
 * The entry checked with the shared schema before anything is sent; a failing field is a
 * usage error named as the editor typed it (`--media-url: must be an https:// URL`).
 *
 * @example
 * const input = entryInput({ kind: 'quote', body: '"We are safe"', attribution: 'Mayor' }, 'post');
 */
export function entryInput(raw: Record<string, unknown>, command: string): EntryCreateInput {
  const parsed = EntryCreateInput.safeParse(raw);
  if (parsed.success) return parsed.data;
  const listed = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    return `${FIELD_FLAGS[path] ?? path}: ${issue.message}`;
  });
  throw usageError(listed.join('; '), command);
}

/**
 * A fresh key per entry: resending it can only ever store the entry once.
 *
 * @example
 * newIdempotencyKey(); // 'liveblog-cli-5b0c…'
 */
export function newIdempotencyKey(): string {
  return `liveblog-cli-${randomUUID()}`;
}

/**
 * Posts an entry under `key`, resending with the same key after a 503, a 504 `store_timeout`
 * (the write may have been stored) or a network error, so a lost answer never makes a second entry.
 *
 * @example
 * const res = await publishEntry(api, 'storm', input, newIdempotencyKey());
 * if (res.ok) console.log(res.data.entry.id);
 */
export function publishEntry(api: ApiClient, blogId: BlogId, input: EntryCreateInput, key: string): Promise<ApiResult<EntryWriteResult>> {
  return api.request({
    method: 'POST',
    path: `/api/blogs/${blogId}/entries`,
    body: input,
    answer: EntryWriteResult,
    idempotencyKey: key,
    retry: 'resend',
  });
}
