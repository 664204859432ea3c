/**
 * `npm run demo:feed`: posts a new, plausible entry to the demo live blog every few seconds
 * through the REST API, so a newcomer sees the reader page update by itself.
 *
 * @example
 * LIVEBLOG_TOKEN=… npm run demo:feed -- --count 10 --interval-ms 2000
 */
import { assertNever } from '../domain/command-deps.js';
import { feedSettings } from './feed-args.js';
import { runFeed } from './feed-runner.js';

const PREFIX = 'demo:feed:';

async function main(): Promise<number> {
  const parsed = feedSettings(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    switch (parsed.reason) {
      case 'help':
        process.stdout.write(`${parsed.message}\n`);
        return 0;
      case 'usage':
      case 'missing_token':
        process.stderr.write(`${PREFIX} ${parsed.message}\n`);
        return 2;
      default:
        return assertNever(parsed);
    }
  }

  const controller = new AbortController();
  const stop = (): void => {
    controller.abort();
    // a second Ctrl+C does not wait for anything
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const result = await runFeed(parsed.settings, {
    signal: controller.signal,
    out: (line) => process.stdout.write(`${line}\n`),
  });
  switch (result.outcome) {
    case 'done':
      return 0;
    case 'stopped':
      process.stdout.write(`stopped after ${result.posted} ${result.posted === 1 ? 'entry' : 'entries'}\n`);
      return 0;
    case 'failed':
      process.stderr.write(`${PREFIX} ${result.message}\n`);
      return 1;
    default:
      return assertNever(result);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${PREFIX} unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
