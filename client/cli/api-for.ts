import type { CommandInput } from './command.js';
import { CliError } from './failure.js';
import { ApiClient } from './http.js';
import { warn } from './io.js';

/**
 * The API client for a command. Writes need a token: without one the run stops with a usage
 * error (exit 2) before anything is sent. Retries are announced only to a person at a terminal.
 *
 * @example
 * const api = apiFor(input, { token: 'required' });
 */
export function apiFor(input: CommandInput, needs: { token: 'required' | 'none'; onRetry?: (note: string) => void }): ApiClient {
  const { settings, io } = input;
  if (needs.token === 'required' && settings.token === undefined) {
    throw new CliError('no token: pass --token or set LIVEBLOG_TOKEN (an admin can make one with "liveblog tokens create NAME").', 2);
  }
  return new ApiClient({
    url: settings.url,
    token: needs.token === 'required' ? settings.token : undefined,
    onRetry: needs.onRetry ?? (io.stderr.isTTY ? (note) => warn(io, note) : undefined),
  });
}
