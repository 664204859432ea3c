import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ServerKind } from './targets.js';

const Count = z.coerce.number().int().min(1);
const split = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

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
const QUICK = { readers: '1000', entries: '5', twoInstances: '0', storm: '2000', repeat: '1' } as const;

/**
 * Parses the command line (`--readers 1000,5000 --entries 20 --warmup 2 --interval-ms 200
 * --servers service,baseline,limit --two-instances 20000 --storm 10000 --quick --no-docs --no-build --out file`; `--report-only results.json [--note text]` rewrites the docs).
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
      storm: { type: 'string' },
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
  return BenchArgs.parse({
    readers: values.readers ?? quick?.readers,
    servers: values.servers,
    entries: values.entries ?? quick?.entries,
    repeat: values.repeat ?? quick?.repeat,
    warmup: values.warmup,
    intervalMs: values['interval-ms'],
    drainMs: values['drain-ms'],
    batch: values.batch,
    twoInstances: values['two-instances'] ?? quick?.twoInstances,
    twoInstanceServers: values['two-instance-servers'],
    storm: values.storm ?? quick?.storm,
    docs: values['no-docs'] !== true,
    build: values['no-build'] !== true,
    out: values.out,
    reportOnly: values['report-only'],
    note: values.note,
  });
}
