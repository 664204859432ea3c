import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Entry } from '../../shared/index.js';
import { entryTitle } from '../feeds/entry-text.js';
import type { FeedSettings } from './feed-args.js';
import { checkBlog, postDemoEntry, type Failure } from './feed-client.js';
import { demoFeedEntries, type Random } from './feed-entries.js';

export type FeedResult =
  | { outcome: 'done' | 'stopped'; posted: number }
  | { outcome: 'failed'; posted: number; message: string };

export interface FeedRunOptions {
  /** Aborted on Ctrl+C: the run stops between entries (or abandons a request; its key makes a resend safe). */
  signal: AbortSignal;
  /** One line per posted entry. */
  out: (line: string) => void;
  random?: Random;
}

/** Attempts of one request while the server is unreachable or unavailable, and the first pause between them. */
const ATTEMPTS = 5;
const FIRST_RETRY_MS = 500;

/**
 * Posts a new demo entry right away and then every `intervalMs`, until `count` entries are
 * posted or the signal aborts. Checks first that the blog exists and is live. A refused token,
 * a missing or ended blog ends the run with a one-line message; an unreachable server is
 * retried a few times with the same `Idempotency-Key`.
 *
 * @example
 * const result = await runFeed(settings, { signal: controller.signal, out: console.log });
 */
export async function runFeed(settings: FeedSettings, options: FeedRunOptions): Promise<FeedResult> {
  const { signal, out } = options;
  let posted = 0;
  try {
    const check = await withRetries(() => checkBlog(settings, signal), signal);
    if (!check.ok) return { outcome: 'failed', posted, message: check.message };
    out(`posting to "${check.blog.title}" at ${settings.baseUrl}/blogs/${settings.blogId} every ${settings.intervalMs} ms; Ctrl+C stops`);

    const next = demoFeedEntries(options.random);
    while (settings.count === undefined || posted < settings.count) {
      if (posted > 0) await delay(settings.intervalMs, undefined, { signal });
      const input = next();
      const key = `demo-feed-${randomUUID()}`;
      const result = await withRetries(() => postDemoEntry(settings, input, key, signal), signal);
      if (!result.ok) return { outcome: 'failed', posted, message: result.message };
      posted += 1;
      out(`posted ${settings.count === undefined ? posted : `${posted}/${settings.count}`}: ${describe(result.entry)} ${settings.baseUrl}/blogs/${settings.blogId}#entry-${result.entry.id}`);
    }
    return { outcome: 'done', posted };
  } catch (err) {
    if (signal.aborted) return { outcome: 'stopped', posted };
    throw err;
  }
}

async function withRetries<T extends { ok: true } | Failure>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  let result = await attempt();
  for (let i = 1; i < ATTEMPTS && !result.ok && result.reason === 'retry'; i += 1) {
    await delay(FIRST_RETRY_MS * 2 ** (i - 1), undefined, { signal });
    result = await attempt();
  }
  return result;
}

function describe(entry: Entry): string {
  const marks = [entry.kind, ...(entry.keyEvent ? ['key event'] : [])].join(', ');
  return `[${marks}] ${entryTitle(entry)}`;
}
