import type { WorkerReport } from './loadgen/messages.js';
import type { Published } from './publisher.js';

/** Delivery figures of one run; times in milliseconds. */
export interface DeliveryFigures {
  readers: number;
  entries: number;
  deliveries: number;
  expected: number;
  lost: number;
  duplicated: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Per measured entry: time until the last reader had it. */
  lastReaderMs: { median: number; worst: number };
  /** Measured deliveries over the measured window (bounded by the publishing rate). */
  deliveriesPerSecond: number;
  /** Readers divided by the median time until the last reader: the fan-out speed of one entry. */
  burstDeliveriesPerSecond: number;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The value at quantile `q` of an ascending array (nearest rank).
 *
 * @example
 * quantile(Float64Array.of(1, 2, 3, 4), 0.5) // 2
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Works out what every reader got: latencies of the measured entries, and lost or doubled
 * deliveries over every entry published after the reader subscribed.
 *
 * @example
 * const figures = deliveryFigures(reports, published, measuredFrom);
 */
export function deliveryFigures(reports: WorkerReport[], published: Published[], measuredFromIndex: number): DeliveryFigures {
  const readers = reports.reduce((s, r) => s + r.readers, 0);
  const measured = published.filter((p) => p.index >= measuredFromIndex);
  const latencies = new Float64Array(readers * measured.length);
  const lastBySeq = new Map<number, number>();
  let deliveries = 0;
  let expected = 0;
  let lost = 0;
  let duplicated = 0;
  let windowEnd = 0;
  for (const report of reports) {
    const stride = report.firstReceive.length / Math.max(1, report.readers);
    for (let r = 0; r < report.readers; r += 1) {
      const from = report.subscribedAt[r]!;
      for (const p of published) {
        if (p.seq <= from) continue;
        expected += 1;
        const idx = r * stride + p.seq;
        const count = p.seq < stride ? report.receiveCount[idx]! : 0;
        if (count === 0) {
          lost += 1;
          continue;
        }
        duplicated += count - 1;
        if (p.index < measuredFromIndex) continue;
        const at = report.firstReceive[idx]!;
        const latency = (at - p.sentAt) / 1e6;
        latencies[deliveries] = latency;
        deliveries += 1;
        windowEnd = Math.max(windowEnd, at);
        lastBySeq.set(p.seq, Math.max(lastBySeq.get(p.seq) ?? 0, latency));
      }
    }
  }
  const sorted = latencies.subarray(0, deliveries).sort();
  const lasts = Float64Array.from(lastBySeq.values()).sort();
  const windowStart = measured.length > 0 ? Math.min(...measured.map((p) => p.sentAt)) : 0;
  const windowSeconds = (windowEnd - windowStart) / 1e9;
  const medianLast = quantile(lasts, 0.5);
  return {
    readers,
    entries: measured.length,
    deliveries,
    expected,
    lost,
    duplicated,
    latencyMs: {
      p50: round(quantile(sorted, 0.5)),
      p90: round(quantile(sorted, 0.9)),
      p99: round(quantile(sorted, 0.99)),
      max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN),
    },
    lastReaderMs: { median: round(medianLast), worst: round(lasts.length > 0 ? lasts[lasts.length - 1]! : Number.NaN) },
    deliveriesPerSecond: windowSeconds > 0 ? Math.round(deliveries / windowSeconds) : 0,
    burstDeliveriesPerSecond: medianLast > 0 ? Math.round(readers / (medianLast / 1_000)) : 0,
  };
}
