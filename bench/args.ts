import { parseArgs } from 'node:util';
import * as z from 'zod';
import { FanoutKind } from './scenario.js';
import { ServerKind } from './targets.js';

const Count = z.coerce.number().int().min(1);
const split = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** The scenarios of a run, for `--only`. */
export const Scenario = z.enum([...FanoutKind.options, 'storm']);
export type Scenario = z.infer<typeof Scenario>;

/** `npm run bench -- [flags]`, parsed. */
export const BenchArgs = z.object({
  /** Reader counts of the single-instance runs (`0` alone: none). */
  readers: z.string().transform((s) => split(s).map(Number)).pipe(z.array(z.number().int().min(0).max(18_000))).transform((l) => l.filter((n) => n > 0)).default([1_000, 5_000, 10_000]),
  servers: z.string().transform(split).pipe(z.array(ServerKind)).default(['service', 'baseline', 'limit']),
  entries: Count.max(200).default(20),
  /** Every scenario is run this many times (interleaved); the report holds the medians. */
  repeat: Count.max(9).default(3),
  warmup: z.coerce.number().int().min(0).max(20).default(2),
  intervalMs: Count.default(200),
  drainMs: Count.default(2_000),
  batch: Count.max(9_000).default(500),
  /** Readers of the two-instance scenario (0 skips it). */
  twoInstances: z.coerce.number().int().min(0).max(36_000).default(20_000),
  /** The limit runs here too: it shows what this machine allows at that size. */
  twoInstanceServers: z.string().transform(split).pipe(z.array(ServerKind)).default(['service', 'limit']),
  /** Readers of the cluster scenario: two service instances on a 3-primary Redis Cluster (0 skips it). */
  cluster: z.coerce.number().int().min(0).max(36_000).default(20_000),
  /** Worker processes of the workers scenario (`WORKERS`; 0 skips it), measured next to one. */
  workers: z.coerce.number().int().min(0).max(8).refine((n) => n !== 1, 'the workers scenario compares n > 1 workers with one: --workers 0 skips it').default(2),
  /** Readers of the workers scenario (a single process holds them in its one-worker run). */
  workersReaders: z.coerce.number().int().min(1).max(18_000).default(10_000),
  /** Readers of the catch-up storm (0 skips it). */
  storm: z.coerce.number().int().min(0).max(18_000).default(10_000),
  docs: z.boolean().default(true),
  build: z.boolean().default(true),
  out: z.string().optional(),
  /** Rewrites the docs from an earlier results file instead of measuring. */
  reportOnly: z.string().optional(),
  /** A remark printed in the docs (e.g. what else ran on the machine). */
  note: z.string().optional(),
});
export type BenchArgs = z.infer<typeof BenchArgs>;

/** What `--quick` stands for: a short run of every server, for a first look. */
const QUICK = { readers: '1000', entries: '5', twoInstances: '0', cluster: '2000', workersReaders: '2000', storm: '2000', repeat: '1' } as const;

/** What each scenario's skip looks like: `--only` sets these for the scenarios it leaves out. */
const SKIP: Record<Scenario, Record<string, string>> = {
  fanout: { readers: '0' },
  'two-instances': { twoInstances: '0' },
  cluster: { cluster: '0' },
  workers: { workers: '0' },
  storm: { storm: '0' },
};

/**
 * Parses the command line (`--readers 1000,5000 --entries 20 --warmup 2 --interval-ms 200
 * --servers service,baseline,limit --two-instances 20000 --cluster 20000 --workers 2 --workers-readers 10000
 * --storm 10000 --only cluster,workers --quick --no-docs --no-build --out file`; `--report-only results.json [--note text]`
 * rewrites the docs). `--only` runs the scenarios named (fanout, two-instances, cluster, workers, storm), for
 * development: the targets are judged on a full run.
 *
 * @example
 * const args = parseBenchArgs(process.argv.slice(2));
 */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      readers: { type: 'string' },
      servers: { type: 'string' },
      entries: { type: 'string' },
      repeat: { type: 'string' },
      warmup: { type: 'string' },
      'interval-ms': { type: 'string' },
      'drain-ms': { type: 'string' },
      batch: { type: 'string' },
      'two-instances': { type: 'string' },
      'two-instance-servers': { type: 'string' },
      cluster: { type: 'string' },
      workers: { type: 'string' },
      'workers-readers': { type: 'string' },
      storm: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean' },
      'no-docs': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      out: { type: 'string' },
      'report-only': { type: 'string' },
      note: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true ? QUICK : undefined;
  const only = values.only === undefined ? undefined : z.array(Scenario).min(1).parse(split(values.only));
  const skip: Record<string, string> = Object.assign({}, ...Scenario.options.filter((s) => only !== undefined && !only.includes(s)).map((s) => SKIP[s]));
  return BenchArgs.parse({
    readers: skip.readers ?? values.readers ?? quick?.readers,
    servers: values.servers,
    entries: values.entries ?? quick?.entries,
    repeat: values.repeat ?? quick?.repeat,
    warmup: values.warmup,
    intervalMs: values['interval-ms'],
    drainMs: values['drain-ms'],
    batch: values.batch,
    twoInstances: skip.twoInstances ?? values['two-instances'] ?? quick?.twoInstances,
    twoInstanceServers: values['two-instance-servers'],
    cluster: skip.cluster ?? values.cluster ?? quick?.cluster,
    workers: skip.workers ?? values.workers,
    workersReaders: values['workers-readers'] ?? quick?.workersReaders,
    storm: skip.storm ?? values.storm ?? quick?.storm,
    docs: values['no-docs'] !== true,
    build: values['no-build'] !== true,
    out: values.out,
    reportOnly: values['report-only'],
    note: values.note,
  });
}
