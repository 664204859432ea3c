/** One scrape of an instance's `/metrics`: every sample by its series (`name{label="v",...}`). */
export class Scrape {
  constructor(private readonly samples: ReadonlyMap<string, number>) {}

  /**
   * The value of one series, e.g. `value('liveblog_slow_reader_cuts_total', { cause: 'buffer' })`;
   * undefined when the instance does not export it.
   */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    return this.samples.get(seriesKey(name, labels));
  }

  /** The sum over every series of `name` (all label values); 0 when there is none. */
  sum(name: string): number {
    let total = 0;
    for (const [key, value] of this.samples) {
      if (key === name || key.startsWith(`${name}{`)) total += value;
    }
    return total;
  }

  /** What the process holds that a fault could pin: V8's used heap plus memory outside it (Buffers). */
  get heldBytes(): number {
    return this.require('nodejs_heap_size_used_bytes') + this.require('nodejs_external_memory_bytes');
  }

  require(name: string, labels: Record<string, string> = {}): number {
    const value = this.value(name, labels);
    if (value === undefined) throw new Error(`the instance does not export ${seriesKey(name, labels)}`);
    return value;
  }
}

function seriesKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return pairs.length === 0 ? name : `${name}{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** `name{a="x",b="y"} 12` or `name 12`; label values in our metrics hold no `"` or `,`. */
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;

/**
 * Parses Prometheus' text format (the subset prom-client writes) into series values.
 *
 * @example
 * parseMetrics('a_total{kind="x"} 3\n').value('a_total', { kind: 'x' }); // 3
 */
export function parseMetrics(text: string): Scrape {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const [, name, rawLabels, value] = match;
    const labels: Record<string, string> = {};
    for (const pair of (rawLabels ?? '').split(',')) {
      const at = pair.indexOf('=');
      if (at > 0) labels[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"|"$/g, '');
    }
    samples.set(seriesKey(name!, labels), Number(value));
  }
  return new Scrape(samples);
}

/**
 * Scrapes `metricsUrl` (an instance's `http://host:METRICS_PORT/metrics`).
 *
 * @example
 * const scrape = await scrapeMetrics(instance.metricsUrl);
 */
export async function scrapeMetrics(metricsUrl: string): Promise<Scrape> {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${metricsUrl}: ${res.status}`);
  return parseMetrics(await res.text());
}
