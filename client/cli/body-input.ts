import { readFile } from 'node:fs/promises';
import { CliError, usageError } from './failure.js';
import { warn, type CliIo } from './io.js';

/** Where an entry's text comes from. */
export type BodySource = { from: 'args'; text: string } | { from: 'file'; path: string } | { from: 'stdin' };

/**
 * The body source from the words after the ids and `--file`: both at once is a usage error;
 * neither means stdin (`--file -` too).
 *
 * @example
 * bodySource(['Roads', 'closed'], undefined, 'post'); // { from: 'args', text: 'Roads closed' }
 */
export function bodySource(words: readonly string[], file: string | undefined, command: string): BodySource {
  if (words.length > 0 && file !== undefined) throw usageError('give the text as arguments or with --file, not both', command);
  if (words.length > 0) return { from: 'args', text: words.join(' ') };
  if (file !== undefined && file !== '-') return { from: 'file', path: file };
  return { from: 'stdin' };
}

/**
 * Reads the text: arguments as given, a file, or all of stdin (with a hint when a person is typing).
 *
 * @example
 * const body = await readBody({ from: 'stdin' }, io); // everything piped in, tidied
 */
export async function readBody(source: BodySource, io: CliIo): Promise<string> {
  switch (source.from) {
    case 'args':
      return tidyBody(source.text);
    case 'file':
      try {
        return tidyBody(await readFile(source.path, 'utf8'));
      } catch (err) {
        const code = err instanceof Error && 'code' in err ? String(err.code) : String(err);
        throw new CliError(`cannot read --file ${source.path} (${code}); check the path.`, 1);
      }
    case 'stdin':
      if (io.stdin.isTTY) warn(io, 'type the text, then press Ctrl+D on an empty line');
      return tidyBody(await readAll(io.stdin));
    default:
      return source satisfies never;
  }
}

/**
 * Windows line ends and trailing blanks removed, leading blank lines dropped: what an editor meant.
 *
 * @example
 * tidyBody('\r\nRoads closed.\r\n\r\n'); // 'Roads closed.'
 */
export function tidyBody(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
