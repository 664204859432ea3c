#!/usr/bin/env node
/**
 * `liveblog`: the command-line console. See `liveblog --help`, or `client/cli/run.ts`.
 *
 * @example
 * LIVEBLOG_TOKEN=lb_… liveblog post storm "Roads are closed."
 */
import { runCli } from './run.js';

// `liveblog tail storm | head -3`: a closed pipe ends the run quietly, as it does for cat
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
// open sockets (fetch keeps connections alive for a while) must not delay the exit
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
