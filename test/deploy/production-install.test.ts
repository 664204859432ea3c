import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { call, createBlog, postEntry } from '../support/api.js';
import { runtimeStage, type DockerStage } from '../support/dockerfile.js';
import { signalGroup, spawnTracked, stopAll, trackedTempDir } from '../support/processes.js';
import { freePort, startRedis, type TestRedis } from '../support/redis-server.js';
import { openReader } from '../support/test-reader.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN_TOKEN = 'production-install-admin-token';
const PUBLIC_URL = 'https://live.example.test';
/** The node image's `node` user, which the Dockerfile's USER names. */
const NODE_USER = { uid: 1000, gid: 1000 };
/** Harmless for what the image runs: it only makes the image smaller. */
const IMAGE_ONLY_STEPS = new Set(['npm cache clean --force']);

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
interface Lockfile {
  packages: Record<string, { dev?: boolean }>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** `zod/v4` → `zod`, `@socket.io/sticky/x` → `@socket.io/sticky`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function jsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsFilesUnder(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  );
}

/** Runs `command` to its end; resolves with its exit code and output. */
function run(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawnTracked(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, output }));
  });
}

/** The image's command line with `node` as this Node (the image's is Node 20 too). */
const withNode = (argv: readonly string[]): [string, string[]] => [argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1)];

describe('the production install (what the Dockerfile does)', { timeout: 120_000 }, () => {
  let stage: DockerStage;
  let redis: TestRedis;
  let dir: string;
  let installMs: number;
  let service: ChildProcess | undefined;
  let output = '';
  let port: number;
  let url: string;
  let env: Record<string, string>;

  before(async () => {
    stage = runtimeStage(join(ROOT, 'Dockerfile'));
    redis = await startRedis();
    dir = trackedTempDir('liveblog-production-');
    // Readable by the unprivileged user the service runs as, like the image's /app.
    chmodSync(dir, 0o755);

    // The runtime stage's COPY lines, from the build context or the build stage's dist/.
    for (const copy of stage.copies) {
      for (const source of copy.sources) {
        const from = copy.from === undefined ? join(ROOT, source) : source === '/app/dist' ? join(ROOT, 'dist') : undefined;
        assert.ok(from !== undefined, `the test knows no ${source} in stage ${copy.from}: only the build's /app/dist`);
        assert.ok(existsSync(from), `${from} is missing (npm test builds dist/ first)`);
        const dest = copy.dest === './' || copy.dest === '.' ? join(dir, source) : join(dir, copy.dest);
        cpSync(from, dest, { recursive: true });
      }
    }

    // Its RUN: `npm ci` as written, plus the local cache (the image downloads instead).
    assert.equal(stage.runs.length, 1, 'the runtime stage runs one command line');
    const [install, ...rest] = stage.runs[0]!.split('&&').map((part) => part.trim());
    assert.deepEqual(rest.filter((step) => !IMAGE_ONLY_STEPS.has(step)), [], 'every further step is one the test knows to be image-only');
    const [npm, ci, ...flags] = install!.split(/\s+/);
    assert.deepEqual([npm, ci], ['npm', 'ci']);
    assert.ok(flags.includes('--omit=dev'), 'production dependencies only');
    const started = Date.now();
    const installed = await run('npm', ['ci', ...flags, '--prefer-offline'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir } });
    installMs = Date.now() - started;
    assert.equal(installed.code, 0, `npm ci failed:\n${installed.output}`);

    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...stage.env,
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      ADMIN_TOKEN,
      PUBLIC_URL,
      LOG_LEVEL: 'warn',
    };
    assert.ok(stage.cmd !== undefined, 'the image has a CMD');
    const [command, args] = withNode(stage.cmd);
    // As the image's USER when the test may switch users (as root, as CI runs it); else it is not root anyway.
    const user = process.getuid?.() === 0 ? NODE_USER : {};
    service = spawnTracked(command, args, { cwd: dir, env, ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    service.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    service.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      assert.ok(service.exitCode === null, `the service exited (${service.exitCode}):\n${output}`);
      const ready = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
      if (ready === 200) break;
      assert.ok(Date.now() < deadline, `not ready within 20 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    if (service !== undefined) await signalGroup(service, 'SIGKILL');
    await redis?.close();
    stopAll();
  });

  it('when the runtime stage is installed, then it holds no package that only development needs, and runs as a non-root user', (t) => {
    t.diagnostic(`production install: npm ci ${installMs} ms (from the local npm cache), ${readdirSync(join(dir, 'node_modules')).length} top-level entries`);
    assert.ok(stage.user !== undefined && !['root', '0'].includes(stage.user), `USER ${stage.user} is not root`);
    assert.equal(stage.env.NODE_ENV, 'production');
    const lock = readJson<Lockfile>(join(ROOT, 'package-lock.json'));
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev === true).map(([path]) => path);
    assert.ok(devOnly.length > 0, 'the lockfile marks the packages only development needs');
    assert.deepEqual(devOnly.filter((path) => existsSync(join(dir, path))), [], 'no development-only package is installed');
    for (const name of ['typescript', 'tsx', 'esbuild', 'eslint']) assert.ok(!existsSync(join(dir, 'node_modules', name)), `${name} is not installed`);
  });

  it("when dist/ is read from its entry points, then it imports only production dependencies and Node's own modules", async () => {
    const pkg = readJson<PackageJson>(join(dir, 'package.json'));
    // Everything the service and the CLI may load; dist/client/*.js at the top are build scripts.
    const entryPoints = ['server', 'shared', 'client/cli'].flatMap((sub) => jsFilesUnder(join(dir, 'dist', sub)));
    const built = await esbuild.build({ entryPoints, bundle: true, platform: 'node', format: 'esm', packages: 'external', metafile: true, write: false, outdir: join(dir, 'unused'), logLevel: 'silent' });
    const imported = new Set<string>();
    for (const input of Object.values(built.metafile.inputs)) for (const i of input.imports) if (i.external) imported.add(i.path);
    const outside = [...imported].filter((s) => !isBuiltin(s) && !(packageOf(s) in pkg.dependencies));
    assert.deepEqual(outside, [], 'imported, but not a production dependency');
    assert.ok(imported.has('socket.io') && imported.has('ioredis'), 'the scan sees the service’s imports');
  });

  it('when started with its CMD on Redis with NODE_ENV=production, then it serves readiness, a reader page, the reader bundle and live entries over Socket.IO', async () => {
    const blog = await createBlog(url, ADMIN_TOKEN, { id: 'prod-install', title: 'Production install' });
    const page = await fetch(`${url}/blogs/${blog.id}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(`${PUBLIC_URL}/blogs/${blog.id}`), 'links use PUBLIC_URL');
    const bundle = /<script defer src="([^"]+)"><\/script>/.exec(html)?.[1];
    assert.ok(bundle !== undefined, 'the page loads the reader bundle');
    const script = await fetch(new URL(bundle, url));
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await script.text()).length > 10_000, 'the bundle is the built reader script');

    const reader = await openReader(url, blog.id);
    try {
      const { entry } = await postEntry(url, ADMIN_TOKEN, blog.id, 'Polls have closed.');
      await reader.waitFor((r) => r.state?.order.includes(entry.id) === true);
    } finally {
      await reader.close();
    }
    assert.equal((await call(url, 'GET', '/readyz')).status, 200);
  });

  it('when it runs, then its HEALTHCHECK passes; once it stopped on SIGTERM, the same check fails', async () => {
    assert.ok(stage.healthcheck !== undefined, 'the image has a HEALTHCHECK');
    const [command, args] = withNode(stage.healthcheck.cmd);
    const check = (): Promise<{ code: number | null; output: string }> => run(command, args, { cwd: dir, env });
    const healthy = await check();
    assert.equal(healthy.code, 0, `the check failed on a running service:\n${healthy.output}`);
    assert.ok(service !== undefined);
    const exited = new Promise<number | null>((r) => service!.once('exit', (code) => r(code)));
    process.kill(-service.pid!, 'SIGTERM');
    assert.equal(await exited, 0, `a clean exit on SIGTERM:\n${output}`);
    assert.equal((await check()).code, 1, 'the check fails once the service is gone');
  });
});
