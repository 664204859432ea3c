import type { FanoutResult } from '../scenario.js';
import type { StormResult } from '../storm.js';

/** Counts that must hold over every run, so they add up instead of taking a middle value. */
const SUMMED = new Set(['lost', 'duplicated', 'subscribeFailed']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Field by field over objects of one shape: the median of each number (sums for `SUMMED`). */
function combine(runs: unknown[], key = ''): unknown {
  const first = runs[0];
  if (typeof first === 'number') {
    const values = runs as number[];
    return SUMMED.has(key) ? values.reduce((s, v) => s + v, 0) : Math.round(median(values) * 100) / 100;
  }
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) out[k] = combine(runs.map((r) => (r as Record<string, unknown>)[k]), k);
    return out;
  }
  return first;
}

/** What a row of repeated runs carries besides its medians: the runs themselves, briefly. */
export interface Repeated {
  runs: number;
  /** Per run, in order: the figures the targets are judged on. */
  perRun: {
    cpuMicrosPerDelivery: number[];
    memoryKiBPerReader: number[];
    lastReaderMedianMs: number[];
    /** Absent in results written before issue 10. */
    lastReaderWorstMs?: number[];
    connectSeconds: number[];
  };
}

/**
 * Folds repeated runs of the same server and scenario into one row of medians
 * (lost and doubled deliveries are summed over the runs: one loss in any run counts).
 *
 * @example
 * const rows = medianOfRuns([run1, run2, run3]); // one row per server and reader count
 */
export function medianOfRuns(results: FanoutResult[]): Array<FanoutResult & Repeated> {
  const groups = new Map<string, FanoutResult[]>();
  for (const r of results) {
    // the scenario names the instances, readers, Redis and workers
    const key = `${r.server}/${r.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => ({
    ...(combine(runs) as FanoutResult),
    runs: runs.length,
    perRun: {
      cpuMicrosPerDelivery: runs.map((r) => r.serverCpuMicrosPerDelivery),
      memoryKiBPerReader: runs.map((r) => r.memoryKiBPerReader),
      lastReaderMedianMs: runs.map((r) => r.delivery.lastReaderMs.median),
      lastReaderWorstMs: runs.map((r) => r.delivery.lastReaderMs.worst),
      connectSeconds: runs.map((r) => r.connectSeconds),
    },
  }));
}

/**
 * Folds repeated storms of the same size into medians (losses and doubles summed); the time
 * until all caught up is also kept per run.
 *
 * @example
 * const storms = medianOfStorms([storm1, storm2, storm3]);
 */
export function medianOfStorms(results: StormResult[]): Array<StormResult & { runs: number; caughtUpMsPerRun: number[] }> {
  const groups = new Map<number, StormResult[]>();
  for (const r of results) groups.set(r.readers, [...(groups.get(r.readers) ?? []), r]);
  return [...groups.values()].map((runs) => ({
    ...(combine(runs) as StormResult),
    runs: runs.length,
    caughtUpMsPerRun: runs.map((r) => r.caughtUpMs),
  }));
}
