import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';

/** The flags a command takes, in `node:util` `parseArgs` form. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Flag values as `parseArgs` returns them; commands check them with zod before use. */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Where the server is and who we are; the token is never printed. */
export interface Settings {
  url: string;
  token: string | undefined;
}

export interface CommandInput {
  values: FlagValues;
  positionals: string[];
  settings: Settings;
  io: CliIo;
}

/** One subcommand: its help and its run; `run` resolves to the exit code or throws `CliError`. */
export interface Command {
  /** As typed: `post`, `blogs create`. */
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `liveblog `. */
  readonly usage: string;
  /** Help lines: one per flag or argument. */
  readonly help: readonly string[];
  readonly options: OptionSpecs;
  run(input: CommandInput): Promise<number>;
}
