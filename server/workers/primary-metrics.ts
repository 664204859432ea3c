import { AggregatorRegistry, Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsSource } from '../metrics/index.js';

/**
 * The primary's own metrics, and the one `/metrics` of a process that runs workers: every
 * worker's registry summed by prom-client's `AggregatorRegistry` (counters, histograms and the
 * reader gauges add up; process gauges use prom-client's own aggregators), followed by the
 * primary's series. The primary's process metrics carry the prefix `liveblog_primary_`: it
 * passes every new connection and every request body of the workers, so its CPU is watched
 * apart from theirs.
 *
 * @example
 * const metrics = createPrimaryMetrics();
 * await startMetricsServer({ registry: metrics.source, port: 9464, host: '0.0.0.0', logger });
 */
export function createPrimaryMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'liveblog_primary_' });
  const registers = [registry];
  // Listens for the workers' answers; each worker answers with the registry it names (worker-link.ts).
  const workers = new AggregatorRegistry();

  const source: MetricsSource = {
    contentType: registry.contentType,
    async metrics() {
      const [summed, own] = await Promise.all([workers.clusterMetrics(), registry.metrics()]);
      return summed === '' ? own : `${summed.trimEnd()}\n${own}`;
    },
  };

  return {
    source,
    workerRestarts: new Counter({
      name: 'liveblog_worker_restarts_total',
      help: 'Worker processes replaced because they exited without being asked to (crash, kill, out of memory).',
      registers,
    }),
    workersReady: new Gauge({
      name: 'liveblog_workers_ready',
      help: 'Worker processes that take new reader connections; below WORKERS while one is replaced.',
      registers,
    }),
  };
}

export type PrimaryMetrics = ReturnType<typeof createPrimaryMetrics>;
