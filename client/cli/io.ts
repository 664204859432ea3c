/** The process streams and environment a command uses; `main.ts` passes the real ones. */
export interface CliIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/**
 * Writes one line to stdout.
 *
 * @example
 * say(io, 'posted lx2k9a0qf3k9d0s8a1b2c to storm');
 */
export function say(io: CliIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

/**
 * Writes one `liveblog: …` line to stderr: a warning, a note or a failure.
 *
 * @example
 * warn(io, 'connection lost; reconnecting');
 */
export function warn(io: CliIo, line: string): void {
  io.stderr.write(`liveblog: ${line}\n`);
}
