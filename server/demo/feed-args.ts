import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BlogId } from '../../shared/index.js';
import { DEMO_BLOG_ID } from './demo-story.js';

export interface FeedSettings {
  baseUrl: string;
  token: string;
  blogId: BlogId;
  /** Stop after this many entries; undefined runs until Ctrl+C. */
  count: number | undefined;
  intervalMs: number;
}

/** Why the settings could not be made; `message` is one line for the terminal. */
export type SettingsOutcome =
  | { ok: true; settings: FeedSettings }
  | { ok: false; reason: 'usage' | 'missing_token'; message: string }
  | { ok: false; reason: 'help'; message: string };

export const FEED_USAGE =
  'usage: npm run demo:feed -- [--count N] [--interval-ms MS] [--blog ID]   (env: LIVEBLOG_URL, LIVEBLOG_TOKEN or ADMIN_TOKEN)';

const DEFAULT_INTERVAL_MS = 4_000;

const Flags = z.object({
  count: z.coerce.number().int().min(1).max(1_000_000).optional(),
  intervalMs: z.coerce.number().int().min(0).max(3_600_000).default(DEFAULT_INTERVAL_MS),
  blog: BlogId.default(DEMO_BLOG_ID),
});

const Env = z.object({
  LIVEBLOG_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).default('http://localhost:3000'),
  LIVEBLOG_TOKEN: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(1).optional(),
});

/**
 * The feed script's settings from its arguments and environment. Empty variables count as unset.
 *
 * @example
 * feedSettings(['--count', '2', '--interval-ms', '50'], { LIVEBLOG_TOKEN: 'lb_…' });
 * // { ok: true, settings: { baseUrl: 'http://localhost:3000', count: 2, intervalMs: 50, blogId: 'demo-storm-coverage', token: 'lb_…' } }
 */
export function feedSettings(argv: readonly string[], env: NodeJS.ProcessEnv): SettingsOutcome {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        count: { type: 'string' },
        'interval-ms': { type: 'string' },
        blog: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    // node's messages may span lines; the terminal gets one
    const said = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    return { ok: false, reason: 'usage', message: `${said}; ${FEED_USAGE}` };
  }
  if (values['help'] === true) return { ok: false, reason: 'help', message: FEED_USAGE };

  const flags = Flags.safeParse({ count: values['count'], intervalMs: values['interval-ms'], blog: values['blog'] });
  if (!flags.success) return { ok: false, reason: 'usage', message: `${issuesOf(flags.error, { intervalMs: '--interval-ms', count: '--count', blog: '--blog' })}; ${FEED_USAGE}` };

  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsedEnv = Env.safeParse(present);
  if (!parsedEnv.success) return { ok: false, reason: 'usage', message: issuesOf(parsedEnv.error, {}) };
  const token = parsedEnv.data.LIVEBLOG_TOKEN ?? parsedEnv.data.ADMIN_TOKEN;
  if (token === undefined) {
    return { ok: false, reason: 'missing_token', message: 'no token: set LIVEBLOG_TOKEN (or ADMIN_TOKEN) to an editor or admin token' };
  }
  return {
    ok: true,
    settings: {
      baseUrl: parsedEnv.data.LIVEBLOG_URL.replace(/\/+$/, ''),
      token,
      blogId: flags.data.blog,
      count: flags.data.count,
      intervalMs: flags.data.intervalMs,
    },
  };
}

function issuesOf(error: z.ZodError, names: Record<string, string>): string {
  return error.issues.map((i) => `${i.path.map((p) => names[String(p)] ?? String(p)).join('.')}: ${i.message}`).join('; ');
}
