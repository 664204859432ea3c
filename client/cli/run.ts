import { locateCommand, parseCommandArgs, resolveSettings } from './args.js';
import type { Command } from './command.js';
import { blogsCreate, blogsEnd, blogsList, blogsReopen } from './commands/blogs.js';
import { consoleCommand } from './commands/console.js';
import { edit } from './commands/edit.js';
import { deleteEntry, pin, unpin } from './commands/entries.js';
import { post } from './commands/post.js';
import { tail } from './commands/tail.js';
import { tokensCreate, tokensList, tokensRevoke } from './commands/tokens.js';
import { CliError, usageError } from './failure.js';
import { commandHelp, groupHelp, overview } from './help.js';
import { warn, type CliIo } from './io.js';

/** Every command, in the order the overview lists them. */
export const COMMANDS: readonly Command[] = [
  blogsList,
  blogsCreate,
  blogsEnd,
  blogsReopen,
  post,
  edit,
  deleteEntry,
  pin,
  unpin,
  tail,
  consoleCommand,
  tokensCreate,
  tokensList,
  tokensRevoke,
];

const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] ?? ''));

/**
 * Runs `liveblog` with its arguments; resolves to the exit code. Failures are printed as one
 * `liveblog: …` line on stderr: exit 1 when something failed, 2 when the usage was wrong.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      warn(io, err.message);
      return err.exitCode;
    }
    warn(io, `unexpected error: ${err instanceof Error ? err.message : String(err)}. Please report it.`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { words, rest } = locateCommand(argv, GROUPS);
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  const [first, second] = words;
  if (first === undefined || first === 'help') {
    const named = rest.filter((arg) => !arg.startsWith('-')).join(' ');
    const command = COMMANDS.find((c) => c.name === named);
    if (command !== undefined) io.stdout.write(commandHelp(command));
    else if (GROUPS.has(named)) io.stdout.write(groupHelp(named, COMMANDS));
    else if (first === undefined && !wantsHelp) throw usageError('give a command', undefined);
    else io.stdout.write(overview(COMMANDS));
    return 0;
  }
  if (GROUPS.has(first) && second === undefined) {
    if (wantsHelp) {
      io.stdout.write(groupHelp(first, COMMANDS));
      return 0;
    }
    throw usageError(`"${first}" needs one of: ${actionsOf(first).join(', ')}`, first);
  }
  const command = COMMANDS.find((c) => c.name === words.join(' '));
  if (command === undefined) {
    throw GROUPS.has(first)
      ? usageError(`unknown command "${first} ${second ?? ''}"; use one of: ${actionsOf(first).join(', ')}`, first)
      : usageError(`unknown command "${first}"`, undefined);
  }
  const { values, positionals } = parseCommandArgs(rest, command.options, command.name);
  if (values.help === true) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const settings = resolveSettings(values, io.env, command.name);
  return command.run({ values, positionals, settings, io });
}

function actionsOf(group: string): string[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.slice(group.length + 1));
}
