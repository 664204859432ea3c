import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { machine } from '../proc-stats.js';
import type { FanoutResult } from '../scenario.js';
import type { StormResult } from '../storm.js';
import type { Repeated } from './aggregate.js';

/** Everything one `npm run bench` measured: the raw data of the report. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: ReturnType<typeof machine>;
  parameters: {
    entries: number;
    warmup: number;
    intervalMs: number;
    repeat: number;
    batch?: number;
    serverCpus: string;
    loadCpus: string;
    /** Worker i of the workers scenario's `WORKERS=n` ran on `workerCpus[i]` (absent before issue 10). */
    workerCpus?: string[];
  };
  /** One row per server, instances and readers: medians of the repeated runs. */
  fanout: Array<FanoutResult & Partial<Repeated>>;
  storm: Array<StormResult & { runs?: number; caughtUpMsPerRun?: number[] }>;
  /** Every run as measured. */
  runs?: { fanout: FanoutResult[]; storm: StormResult[] };
  /** A remark for the docs, e.g. what else ran on the machine. */
  note?: string;
}

/** Ratio `a / b` rounded to two digits, or null when it cannot be formed. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

/**
 * Writes the results as JSON (the file is git-ignored raw data).
 *
 * @example
 * writeResults('bench/results/2025-01-01T10-00-00.json', results);
 */
export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
