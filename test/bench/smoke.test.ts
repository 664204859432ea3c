import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BenchResults } from '../../bench/report/results.js';
import { ROOT, SERVICE_MAIN } from '../../bench/targets.js';

const dir = mkdtempSync(join(tmpdir(), 'liveblog-bench-'));
const docs = join(ROOT, 'docs', 'benchmarks.md');

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Runs `bench/run.ts` in its own process group, so a hung run is ended with all it started. */
function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

before(() => {
  // npm test builds first; a lone run of this file builds when the service was never built
  if (!existsSync(SERVICE_MAIN)) {
    const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(built.status, 0, 'npm run build failed');
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * When a hung bench run is stopped: a safety stop, not a time target. The three runs share both
 * CPUs with each other and with the other test files; under a load average of 20 the first took
 * over 100 s.
 */
const RUN_LIMIT_MS = 200_000;

// Each test is a bench process of its own: they run side by side, as npm test runs files.
describe('npm run bench, shortened', { concurrency: true }, () => {
  test('when the bench runs 300 readers and 3 entries twice on all three servers, then every reader gets every entry exactly once and the report has the medians', { timeout: RUN_LIMIT_MS + 20_000 }, async () => {
    const docsBefore = mtime(docs);
    const out = join(dir, 'fanout.json');
    const run = await runBench(
      ['--only', 'fanout', '--readers', '300', '--entries', '3', '--repeat', '2', '--warmup', '1', '--interval-ms', '100', '--drain-ms', '1000', '--no-docs', '--no-build', '--out', out],
      RUN_LIMIT_MS,
    );
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /connecting: 300\/300 subscribed/);

    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    assert.deepEqual(results.fanout.map((r) => r.server), ['service', 'baseline', 'limit']);
    assert.deepEqual(results.runs?.fanout.map((r) => r.server), ['service', 'baseline', 'limit', 'service', 'baseline', 'limit'], 'rounds interleave the servers');
    for (const r of results.fanout) {
      assert.equal(r.runs, 2, `${r.server}: a row is the median of both runs`);
      assert.equal(r.perRun?.cpuMicrosPerDelivery.length, 2);
      const d = r.delivery;
      assert.equal(r.subscribeFailed, 0, `${r.server}: readers failed to subscribe`);
      assert.equal(d.lost, 0, `${r.server}: lost deliveries`);
      assert.equal(d.duplicated, 0, `${r.server}: doubled deliveries`);
      assert.equal(d.deliveries, 300 * 3, `${r.server}: measured deliveries`);
      for (const value of [d.latencyMs.p50, d.latencyMs.p99, d.latencyMs.max, d.lastReaderMs.median, r.serverCpuMicrosPerDelivery, r.loadgenCpuBusyPercent]) {
        assert.ok(Number.isFinite(value) && value >= 0, `${r.server}: ${JSON.stringify(r)}`);
      }
      assert.ok(Number.isFinite(r.memoryKiBPerReader), `${r.server}: memory per reader`);
      assert.ok(d.latencyMs.p50 <= d.latencyMs.p99 && d.latencyMs.p99 <= d.latencyMs.max);
    }
    assert.ok(results.machine.nproc >= 1);
    assert.equal(mtime(docs), docsBefore, 'a --no-docs run must not write docs/benchmarks.md');
  });

  test('when the catch-up storm runs with 200 readers, then every reader resubscribes with its position and nothing is lost or doubled', { timeout: RUN_LIMIT_MS + 20_000 }, async () => {
    const out = join(dir, 'storm.json');
    const run = await runBench(
      ['--only', 'storm', '--entries', '8', '--repeat', '1', '--warmup', '1', '--interval-ms', '150', '--drain-ms', '500', '--storm', '200', '--no-docs', '--no-build', '--out', out],
      RUN_LIMIT_MS,
    );
    assert.equal(run.code, 0, run.output);
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    const [storm] = results.storm;
    assert.ok(storm, 'the storm ran');
    assert.equal(storm.resubscribed, 200);
    assert.equal(storm.delivery.lost, 0);
    assert.equal(storm.delivery.duplicated, 0);
    assert.ok(Number.isFinite(storm.caughtUpMs));
  });

  test('when the cluster and workers scenarios run with 200 readers, then the service on a 3-primary Redis Cluster and with WORKERS=2 delivers every entry to every reader once', { timeout: RUN_LIMIT_MS + 20_000 }, async () => {
    const out = join(dir, 'cluster-workers.json');
    const run = await runBench(
      ['--only', 'cluster,workers', '--cluster', '200', '--workers-readers', '200', '--entries', '3', '--repeat', '1', '--warmup', '1', '--interval-ms', '100', '--drain-ms', '1000', '--no-docs', '--no-build', '--out', out],
      RUN_LIMIT_MS,
    );
    assert.equal(run.code, 0, run.output);
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    assert.deepEqual(
      results.fanout.map((r) => [r.kind, r.redisMode, r.instances, r.workers]),
      [
        ['cluster', 'cluster', 2, 1],
        ['workers', 'single', 1, 1],
        ['workers', 'single', 1, 2],
      ],
    );
    for (const r of results.fanout) {
      assert.equal(r.subscribeFailed, 0, `${r.scenario}: readers failed to subscribe`);
      assert.equal(r.delivery.lost, 0, `${r.scenario}: lost deliveries`);
      assert.equal(r.delivery.duplicated, 0, `${r.scenario}: doubled deliveries`);
      assert.equal(r.delivery.deliveries, 200 * 3, `${r.scenario}: measured deliveries`);
      assert.ok(r.redisCpuMs >= 0 && Number.isFinite(r.serverCpuMicrosPerDelivery), `${r.scenario}: ${JSON.stringify(r)}`);
    }
    const [, , two] = results.fanout;
    // every worker's sockets: its readers (200 in all) plus its Redis and IPC connections
    assert.equal(two?.socketsPerWorker?.length, 2, JSON.stringify(two));
    assert.ok(two.socketsPerWorker.reduce((s, n) => s + n, 0) >= 200, JSON.stringify(two.socketsPerWorker));
  });
});
