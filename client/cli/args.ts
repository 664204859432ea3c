import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { FlagValues, OptionSpecs, Settings } from './command.js';
import { usageError } from './failure.js';

/** Flags every command takes. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

export const DEFAULT_URL = 'http://localhost:3000';

/** The command words (`blogs create`) and everything else, in order. */
export interface Located {
  words: string[];
  rest: string[];
}

/**
 * Finds the command words, allowing the global flags before them:
 * `liveblog --url U blogs create --title T` → words `['blogs', 'create']`.
 *
 * @example
 * locateCommand(['--token', 't', 'post', 'storm', 'Hi'], new Set(['blogs', 'tokens']));
 * // { words: ['post'], rest: ['--token', 't', 'storm', 'Hi'] }
 */
export function locateCommand(argv: readonly string[], groups: ReadonlySet<string>): Located {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const complete = words.length === 2 || (words.length === 1 && !groups.has(words[0] ?? ''));
    if (complete || arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--url' || arg === '--token') {
      rest.push(arg, ...argv.slice(i + 1, i + 2));
      i += 1;
    } else if (arg.startsWith('-')) {
      rest.push(arg);
    } else {
      words.push(arg);
    }
  }
  return { words, rest };
}

/**
 * `parseArgs` with the command's flags plus the global ones; a mistake is a usage error (exit 2).
 *
 * @example
 * const { values, positionals } = parseCommandArgs(['storm', '--pin'], { pin: { type: 'boolean' } }, 'post');
 */
export function parseCommandArgs(args: readonly string[], options: OptionSpecs, command: string): { values: FlagValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
    return { values, positionals };
  } catch (err) {
    const said = err instanceof Error ? err.message : String(err);
    // node's messages suggest "--" tricks meant for script authors; the first sentence is the point
    throw usageError(said.split(/\.\s|\n/)[0]?.replace(/\.$/, '') ?? said, command);
  }
}

const Url = z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' });

/**
 * The server URL and token from the flags, else `LIVEBLOG_URL` / `LIVEBLOG_TOKEN` (empty counts as unset).
 *
 * @example
 * resolveSettings({ url: 'http://localhost:3000/' }, { LIVEBLOG_TOKEN: 'lb_…' });
 * // { url: 'http://localhost:3000', token: 'lb_…' }
 */
export function resolveSettings(values: FlagValues, env: NodeJS.ProcessEnv, command: string): Settings {
  const url = stringFlag(values.url) ?? nonEmpty(env.LIVEBLOG_URL) ?? DEFAULT_URL;
  const parsed = Url.safeParse(url);
  if (!parsed.success) {
    const from = stringFlag(values.url) === undefined ? 'LIVEBLOG_URL' : '--url';
    throw usageError(`${from} ${parsed.error.issues[0]?.message ?? 'is not a URL'}`, command);
  }
  return { url: parsed.data.replace(/\/+$/, ''), token: stringFlag(values.token) ?? nonEmpty(env.LIVEBLOG_TOKEN) };
}

/**
 * The flags parsed with `schema`; a failing flag is a usage error naming it (`--kind: …`).
 *
 * @example
 * const flags = parseFlags(z.object({ role: TokenRole.default('editor') }), values, 'tokens create');
 */
export function parseFlags<S extends z.ZodType>(schema: S, values: unknown, command: string): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const listed = parsed.error.issues.map((i) => `${i.path.length > 0 ? `--${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
  throw usageError(listed, command);
}

/**
 * The positionals by name: exactly `names.length` of them, or more when `variadic` takes the rest.
 *
 * @example
 * const [blogId, entryId] = expectPositionals(positionals, ['blogId', 'entryId'], 'delete');
 */
export function expectPositionals(positionals: readonly string[], names: readonly string[], command: string, variadic = false): string[] {
  if (positionals.length < names.length) {
    throw usageError(`missing ${names.slice(positionals.length).map((n) => `<${n}>`).join(' ')}`, command);
  }
  if (!variadic && positionals.length > names.length) {
    const extra = positionals[names.length] ?? '';
    throw usageError(looksLikeToken(extra) ? 'unexpected argument (it looks like a token: give it with --token)' : `unexpected argument "${extra}"`, command);
  }
  return [...positionals];
}

/**
 * A positional checked with a shared schema, as a usage error naming it.
 *
 * @example
 * const blogId = parsePositional(BlogId, 'Storm!', 'blogId', 'post'); // throws: <blogId> use only a-z, 0-9 and "-"
 */
export function parsePositional<S extends z.ZodType>(schema: S, value: string | undefined, name: string, command: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // a token pasted in the wrong place must not be echoed onto the screen or into a log
  const shown = looksLikeToken(value ?? '') ? 'looks like a token' : `"${value ?? ''}"`;
  throw usageError(`<${name}> ${shown}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, command);
}

/** What a generated token looks like (`lb_` + 43 base64url characters); the shape is public. */
const TOKEN_SHAPE = /^lb_[A-Za-z0-9_-]{43}$/;

/**
 * True when `value` has the shape of a liveblog token, so it can be kept off the screen.
 *
 * @example
 * looksLikeToken('storm'); // false
 */
export function looksLikeToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

function stringFlag(value: FlagValues[string]): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
