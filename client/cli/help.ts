import type { Command } from './command.js';
import { DEFAULT_URL } from './args.js';

const GLOBAL_HELP = [
  'Every command takes:',
  `  --url U          the server (default: $LIVEBLOG_URL, else ${DEFAULT_URL})`,
  '  --token T        an editor or admin token (default: $LIVEBLOG_TOKEN); never printed',
  '  -h, --help       help for the command',
];

/**
 * The overview: every command with its summary.
 *
 * @example
 * io.stdout.write(overview(COMMANDS));
 */
export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'liveblog: post to and follow live blogs from a terminal.',
    '',
    'usage: liveblog <command> [arguments] [--url U] [--token T]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...GLOBAL_HELP,
    '',
    'Exit codes: 0 done, 1 failed (the reason is on stderr), 2 wrong usage.',
    '"liveblog <command> --help" describes one command.',
    '',
  ].join('\n');
}

/**
 * The help of one command, or of a group (`blogs`, `tokens`): its commands.
 *
 * @example
 * io.stdout.write(commandHelp(post));
 */
export function commandHelp(command: Command): string {
  return [
    `usage: liveblog ${command.usage}`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
    ...(command.help.length === 0 ? [] : ['', ...command.help.map((line) => `  ${line}`)]),
    '',
    ...GLOBAL_HELP,
    '',
  ].join('\n');
}

/**
 * The help of a group of commands such as `blogs`.
 *
 * @example
 * io.stdout.write(groupHelp('blogs', COMMANDS));
 */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return [`usage: liveblog ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}>`, '', ...members.map((c) => `  liveblog ${c.usage}\n      ${c.summary}`), ''].join('\n');
}
