import type { Registry } from 'prom-client';

/**
 * The current value of one series of a counter or gauge in an application's registry
 * (0 when the series does not exist yet).
 *
 * @example
 * await metricValue(server.application.metrics.registry, 'liveblog_slow_reader_cuts_total', { cause: 'buffer' });
 */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const series = values.find((v) => wanted.every(([key, value]) => v.labels[key] === value));
  return series?.value ?? 0;
}

/** Every series of a counter with one label, as `{ labelValue: value }`. */
export async function countsBy(registry: Registry, name: string, label: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [String(v.labels[label]), v.value]));
}
