import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlogPage, TokenCreateResult, type Entry } from '../../shared/index.js';
import { call } from '../support/api.js';
import type { TestInstance } from '../support/instance.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real binary, as `npm test` builds it and the `bin` entry runs it. */
export const CLI_PATH = join(ROOT, 'dist', 'client', 'cli', 'main.js');

/** How long a test waits for the CLI before failing with what it printed. */
const WAIT_MS = 20_000;

function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing: build it with "npx tsc -p tsconfig.build.json" (npm test builds before running)`);
  }
}

/**
 * The CLI's environment: only what it needs, so the developer's own LIVEBLOG_TOKEN or
 * LIVEBLOG_URL never leaks into a test.
 *
 * @example
 * cliEnv(server, token); // { PATH, HOME, LIVEBLOG_URL: server.url, LIVEBLOG_TOKEN: token }
 */
export function cliEnv(server: { url: string } | undefined, token?: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...(server === undefined ? {} : { LIVEBLOG_URL: server.url }),
    ...(token === undefined ? {} : { LIVEBLOG_TOKEN: token }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `liveblog` to the end with `input` on stdin (empty by default).
 *
 * @example
 * const res = await runCli(['post', 'storm'], { env: cliEnv(server, token), input: 'Roads closed.\n' });
 * assert.equal(res.code, 0, res.stderr);
 */
export async function runCli(args: readonly string[], options: { env: Record<string, string>; input?: string }): Promise<CliResult> {
  const cli = startCli(args, options);
  if (options.input !== undefined) cli.write(options.input);
  cli.end();
  const code = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

/** A running `liveblog` (tail, console): its output so far, its stdin, and its exit. */
export interface RunningCli {
  readonly process: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Complete stdout lines so far. */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  write(text: string): void;
  end(): void;
  /** Waits for a stdout line matching `match`; fails after a while, showing what was printed. */
  waitForLine(match: RegExp, what: string): Promise<string>;
  /** Waits until stdout has `count` lines. */
  waitForLines(count: number, what: string): Promise<string[]>;
  /** Waits for `match` in stderr. */
  waitForStderr(match: RegExp, what: string): Promise<void>;
  /** Sends `signal` (default SIGINT) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `liveblog` and keeps it running; the test must `stop()` or `end()` it.
 *
 * @example
 * const tail = startCli(['tail', 'storm'], { env: cliEnv(server) });
 * await tail.waitForStderr(/following/, 'tail started');
 */
export function startCli(args: readonly string[], options: { env: Record<string, string> }): RunningCli {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    wake();
  });
  // a CLI that exits early closes its stdin: writing then must not crash the test process
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('close', (code) => {
      wake();
      resolveExit(code);
    });
  });
  const lines = (): string[] => stdout.split('\n').slice(0, -1);

  const waitFor = <T>(probe: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolveWait, reject) => {
      const check = (): void => {
        const found = probe();
        if (found !== undefined) {
          done();
          resolveWait(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`liveblog ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what} from liveblog ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, WAIT_MS);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    process: child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get lines() {
      return lines();
    },
    exited,
    write: (text) => {
      child.stdin.write(text);
    },
    end: () => {
      child.stdin.end();
    },
    waitForLine: (match, what) => waitFor(() => lines().find((l) => match.test(l)), what),
    waitForLines: (count, what) => waitFor(() => (lines().length >= count ? lines() : undefined), what),
    waitForStderr: (match, what) => waitFor(() => (match.test(stderr) ? true : undefined), what).then(() => undefined),
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Makes a token through the API with the admin token.
 *
 * @example
 * const ana = await makeToken(server, 'Ana Ruiz');
 */
export async function makeToken(server: TestInstance, name: string, role: 'editor' | 'admin' = 'editor'): Promise<TokenCreateResult> {
  const res = await call(server.url, 'POST', '/api/tokens', { token: server.adminToken, body: { name, role } });
  if (res.status !== 201) throw new Error(`making token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return TokenCreateResult.parse(res.body);
}

/**
 * The blog's newest entries (up to 200), newest first, as the API returns them.
 *
 * @example
 * const [latest] = await entriesOf(server, 'storm');
 */
export async function entriesOf(server: { url: string }, blogId: string): Promise<Entry[]> {
  const res = await call(server.url, 'GET', `/api/blogs/${blogId}?limit=200`);
  if (res.status !== 200) throw new Error(`reading blog failed: ${res.status} ${JSON.stringify(res.body)}`);
  return BlogPage.parse(res.body).entries;
}

/** The entry id in a `posted <id> …` line. */
export function postedId(stdout: string): string {
  const id = /^posted ([a-z0-9]+)/m.exec(stdout)?.[1];
  if (id === undefined) throw new Error(`no "posted <id>" line in:\n${stdout}`);
  return id;
}

/** A proxy in front of a server that forwards everything, but hangs up on the first answer `drop` picks. */
export interface FlakyProxy {
  url: string;
  /** Every request that reached the proxy: method, path and Idempotency-Key. */
  seen: { method: string; path: string; key: string | undefined }[];
  close(): Promise<void>;
}

/**
 * Starts a proxy that loses one answer: the request reaches the server (and is stored),
 * then the client's connection is cut, as on a flaky network.
 *
 * @example
 * const proxy = await startFlakyProxy(server.url, (req) => req.method === 'POST');
 */
export async function startFlakyProxy(upstream: string, drop: (req: IncomingMessage) => boolean): Promise<FlakyProxy> {
  const seen: FlakyProxy['seen'] = [];
  let dropped = false;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const key = req.headers['idempotency-key'];
    seen.push({ method: req.method ?? '', path: req.url ?? '', key: typeof key === 'string' ? key : undefined });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(`${upstream}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    if (!dropped && drop(req)) {
      dropped = true;
      req.socket.destroy();
      return;
    }
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
    });
    res.writeHead(answer.status, out).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
