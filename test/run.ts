/**
 * `npm test`: makes sure the machine has what the tests start (redis-server; chromium when
 * browser tests are selected; promtool and haproxy for test/deploy/), typechecks, then runs every
 * `test/**\/*.test.ts` with node's test runner. Arguments filter the files by path prefix:
 *
 * @example
 * npm test -- test/rest test/client/blog-state.test.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_DIR = join(ROOT, 'test');
const CHROMIUM = '/usr/bin/chromium';

interface Requirement {
  /** The Debian package that provides it. */
  pkg: string;
  present: () => boolean;
  hint: string;
}

const REDIS: Requirement = {
  pkg: 'redis-server',
  present: () => commandExists('redis-server'),
  hint: 'redis-server is missing: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)',
};

const BROWSER: Requirement = {
  pkg: 'chromium',
  present: () => existsSync(CHROMIUM),
  hint: `chromium is missing at ${CHROMIUM}: install it (Debian/Ubuntu: apt-get install -y chromium; macOS: brew install --cask chromium)`,
};

const PROMTOOL: Requirement = {
  pkg: 'prometheus',
  present: () => commandExists('promtool'),
  hint: 'promtool is missing: install it (Debian/Ubuntu: apt-get install -y prometheus; or a Prometheus release tarball)',
};

const HAPROXY: Requirement = {
  pkg: 'haproxy',
  // Debian installs it in /usr/sbin, which a non-root PATH may lack (test/support/haproxy.ts looks there too).
  present: () => commandExists('haproxy', '-v') || existsSync('/usr/sbin/haproxy'),
  hint: 'haproxy is missing: install it (Debian/Ubuntu: apt-get install -y haproxy; macOS: brew install haproxy)',
};

function commandExists(command: string, versionFlag = '--version'): boolean {
  const probe = spawnSync(command, [versionFlag], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Root on Debian may install what is missing; anywhere else we only say what to install. */
function canInstall(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

function ensure(requirements: Requirement[]): void {
  const missing = requirements.filter((r) => !r.present());
  if (missing.length === 0) return;
  if (!canInstall()) {
    for (const r of missing) console.error(r.hint);
    process.exit(1);
  }
  const pkgs = missing.map((r) => r.pkg).join(' ');
  console.log(`installing ${pkgs}`);
  const install = spawnSync('sh', ['-c', `apt-get update && apt-get install -y ${pkgs}`], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const still = missing.filter((r) => !r.present());
  if (install.status !== 0 || still.length > 0) {
    for (const r of still.length > 0 ? still : missing) console.error(r.hint);
    process.exit(1);
  }
}

/** Every `*.test.ts` under `dir`, as paths relative to the repo root with `/` separators, sorted. */
function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'artifacts') continue;
      found.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      found.push(relative(ROOT, full).split(sep).join('/'));
    }
  }
  return found.sort();
}

/** A filter as the user typed it, made relative to the repo root (`./test/rest/` → `test/rest/`). */
function normalizeFilter(filter: string): string {
  return relative(ROOT, resolve(process.cwd(), filter)).split(sep).join('/');
}

function typecheck(): void {
  console.log('typechecking (tsc -p tsconfig.json --noEmit)');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('typecheck failed');
    process.exit(result.status ?? 1);
  }
}

/** The tests run the real artifacts: the CLI binary (dist/client/cli) and the reader's bundles (dist/assets). */
function build(): void {
  console.log('building (npm run build)');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('build failed');
    process.exit(result.status ?? 1);
  }
}

function main(): void {
  const all = findTests(TEST_DIR);
  const filters = process.argv.slice(2).map(normalizeFilter);
  const files = filters.length === 0 ? all : all.filter((file) => filters.some((f) => file === f || file.startsWith(f.endsWith('/') ? f : `${f}/`)));
  if (files.length === 0) {
    console.error(filters.length === 0 ? 'no test files under test/' : `no test file matches ${process.argv.slice(2).join(' ')}`);
    process.exit(1);
  }

  const needsBrowser = files.some((file) => file.startsWith('test/browser/'));
  const needsDeployTools = files.some((file) => file.startsWith('test/deploy/'));
  ensure([REDIS, ...(needsBrowser ? [BROWSER] : []), ...(needsDeployTools ? [PROMTOOL, HAPROXY] : [])]);
  typecheck();
  build();

  console.log(`running ${files.length} test file${files.length === 1 ? '' : 's'}`);
  // Three files at a time on two cores: many of them mostly wait (on Chromium, child processes,
  // Redis being frozen or restarted), and the suite's wall time is what CI pays.
  // --test-force-exit: a file whose tests are done ends even if a client library left a timer or a
  // socket behind; otherwise one such handle holds the whole suite (and CI) until it is killed.
  // Every process a test starts is still stopped by the test itself (test/support/processes.ts).
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-force-exit', ...files], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // the runner's exit code is ours; a signal meant for us is passed on so no test process is orphaned
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal !== null ? 1 : 0)));
}

main();
