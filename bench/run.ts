/**
 * `npm run bench`: the fan-out benchmark of issues 5 and 10. Starts its own Redis (and, for the
 * cluster scenario, a Redis Cluster of three primaries), the service (from its production build)
 * and the two reference servers, pinned to CPU 0; load generators and this process on CPU 1;
 * the workers scenario pins worker i of `WORKERS=n` to CPU i. Measures each scenario on each
 * server one after another; writes `bench/results/<date>.json` and (unless `--no-docs`)
 * `docs/benchmarks.md` with its chart.
 *
 * @example
 * npm run bench -- --readers 1000,5000,10000 --entries 20 --repeat 3 --warmup 2 --interval-ms 200
 * npm run bench -- --only cluster,workers --cluster 2000 --workers-readers 2000 --repeat 1 --no-docs
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseBenchArgs } from './args.js';
import { closePublisher } from './publisher.js';
import { machine, pin } from './proc-stats.js';
import { startBenchCluster, startSingleRedis } from './redis-under-test.js';
import { medianOfRuns, medianOfStorms } from './report/aggregate.js';
import { writeDocs } from './report/docs.js';
import { writeResults, type BenchResults } from './report/results.js';
import { runFanout, type FanoutResult, type RunParameters } from './scenario.js';
import { runStorm, type StormResult } from './storm.js';
import { ROOT } from './targets.js';

const SERVER_CPUS = '0';
const LOAD_CPUS = '1';
/** Worker i of the workers scenario runs on CPU i (modulo the CPUs there are). */
const WORKER_CPUS = Array.from({ length: machine().nproc }, (_, i) => String(i));

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function build(): void {
  log('building the service (npm run build)');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseBenchArgs(argv);
  if (args.reportOnly !== undefined) {
    const earlier = JSON.parse(readFileSync(args.reportOnly, 'utf8')) as BenchResults;
    log(`docs: ${writeDocs(ROOT, { ...earlier, note: args.note ?? earlier.note }).join(', ')}`);
    return;
  }
  const startedAt = new Date();
  // the publisher and the IPC with the load generators run here: on the load generators' CPU
  pin(process.pid, LOAD_CPUS);
  if (args.build) build();

  const redis = await startSingleRedis({ cpus: SERVER_CPUS });
  const params: RunParameters = {
    entries: args.entries,
    warmup: args.warmup,
    intervalMs: args.intervalMs,
    drainMs: args.drainMs,
    batch: args.batch,
    serverCpus: SERVER_CPUS,
    loadCpus: LOAD_CPUS,
    redis,
    adminToken: `bench-${randomBytes(16).toString('hex')}`,
    log,
  };
  const fanout: FanoutResult[] = [];
  const storm: StormResult[] = [];
  try {
    // Rounds interleave the servers, so a slow spell of the machine does not fall on one server only.
    for (let round = 1; round <= args.repeat; round += 1) {
      if (args.repeat > 1) log(`round ${round} of ${args.repeat}`);
      for (const readers of args.readers) {
        for (const server of args.servers) fanout.push(await runFanout({ server, instances: 1, readers }, params));
      }
      if (args.twoInstances > 0) {
        for (const server of args.twoInstanceServers) fanout.push(await runFanout({ server, instances: 2, readers: args.twoInstances }, params));
      }
      if (args.cluster > 0) {
        // a fresh cluster each round: nothing of it idles on CPU 0 while the other scenarios run
        const cluster = await startBenchCluster({ cpus: SERVER_CPUS });
        try {
          fanout.push(await runFanout({ server: 'service', instances: 2, readers: args.cluster, redis: cluster }, params));
        } finally {
          await cluster.close();
        }
      }
      if (args.workers > 1) {
        for (const count of [1, args.workers]) {
          fanout.push(await runFanout({ server: 'service', instances: 1, readers: args.workersReaders, workers: { count, workerCpus: WORKER_CPUS } }, params));
        }
      }
      if (args.storm > 0) storm.push(await runStorm(args.storm, params));
    }
  } finally {
    closePublisher();
    await redis.close();
  }

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    machine: machine(),
    parameters: {
      entries: args.entries,
      warmup: args.warmup,
      intervalMs: args.intervalMs,
      repeat: args.repeat,
      batch: args.batch,
      serverCpus: SERVER_CPUS,
      loadCpus: LOAD_CPUS,
      workerCpus: WORKER_CPUS,
    },
    fanout: medianOfRuns(fanout),
    storm: medianOfStorms(storm),
    runs: { fanout, storm },
    ...(args.note !== undefined ? { note: args.note } : {}),
  };
  const out = args.out ?? join(ROOT, 'bench', 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeResults(out, results);
  log(`results: ${out}`);
  if (args.docs) {
    const written = writeDocs(ROOT, results);
    log(`docs: ${written.join(', ')}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
