import { kindOf, type FanoutResult } from '../scenario.js';
import type { ServerKind } from '../targets.js';

const COLORS: Record<ServerKind, string> = { service: '#c2410c', baseline: '#2563eb', limit: '#6b7280' };
const WIDTH = 720;
const HEIGHT = 420;
const PAD = { left: 70, right: 170, top: 40, bottom: 60 };

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * Latency against readers for each server (single-instance runs): solid line the median time
 * until the last reader had an entry, dashed the per-delivery p99. Hand-written SVG, no library.
 *
 * @example
 * writeFileSync('docs/benchmarks-latency.svg', latencyChart(results.fanout));
 */
export function latencyChart(fanout: FanoutResult[]): string {
  const runs = fanout.filter((r) => kindOf(r) === 'fanout');
  const readers = [...new Set(runs.map((r) => r.readers))].sort((a, b) => a - b);
  const servers = [...new Set(runs.map((r) => r.server))];
  const values = runs.flatMap((r) => [r.delivery.lastReaderMs.median, r.delivery.latencyMs.p99]).filter(Number.isFinite);
  const yMax = niceMax(Math.max(1, ...values));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (n: number): number => {
    if (readers.length === 1) return PAD.left + plotW / 2;
    const [lo, hi] = [readers[0]!, readers[readers.length - 1]!];
    return PAD.left + ((n - lo) / (hi - lo)) * plotW;
  };
  const y = (ms: number): number => PAD.top + plotH - (ms / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="22" font-size="15" font-weight="bold">Fan-out latency against readers (one instance)</text>`,
  );
  for (let i = 0; i <= 5; i += 1) {
    const ms = (yMax / 5) * i;
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${PAD.left - 8}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end">${Math.round(ms * 10) / 10}</text>`,
    );
  }
  for (const n of readers) {
    out.push(
      `<line x1="${x(n).toFixed(1)}" x2="${x(n).toFixed(1)}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH + 5}" stroke="#111827"/>`,
      `<text x="${x(n).toFixed(1)}" y="${PAD.top + plotH + 20}" text-anchor="middle">${n.toLocaleString('en-US')}</text>`,
    );
  }
  out.push(
    `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#111827"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#111827"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 18}" text-anchor="middle">readers</text>`,
    `<text transform="translate(18 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">milliseconds</text>`,
  );
  servers.forEach((server, i) => {
    const color = COLORS[server];
    const points = readers
      .map((n) => runs.find((r) => r.server === server && r.readers === n))
      .filter((r): r is FanoutResult => r !== undefined);
    const line = (pick: (r: FanoutResult) => number, dash: string): void => {
      const coords = points.filter((r) => Number.isFinite(pick(r))).map((r) => `${x(r.readers).toFixed(1)},${y(pick(r)).toFixed(1)}`);
      if (coords.length === 0) return;
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${coords.join(' ')}"/>`);
      for (const c of coords) {
        const [cx, cy] = c.split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
      }
    };
    line((r) => r.delivery.lastReaderMs.median, '');
    line((r) => r.delivery.latencyMs.p99, ' stroke-dasharray="5 4"');
    const ly = PAD.top + 10 + i * 22;
    out.push(
      `<line x1="${WIDTH - PAD.right + 20}" x2="${WIDTH - PAD.right + 44}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${WIDTH - PAD.right + 50}" y="${ly + 4}">${escape(server)}</text>`,
    );
  });
  const ly = PAD.top + 10 + servers.length * 22 + 10;
  out.push(
    `<line x1="${WIDTH - PAD.right + 20}" x2="${WIDTH - PAD.right + 44}" y1="${ly}" y2="${ly}" stroke="#111827" stroke-width="2"/>`,
    `<text x="${WIDTH - PAD.right + 50}" y="${ly + 4}">last reader (median)</text>`,
    `<line x1="${WIDTH - PAD.right + 20}" x2="${WIDTH - PAD.right + 44}" y1="${ly + 20}" y2="${ly + 20}" stroke="#111827" stroke-width="2" stroke-dasharray="5 4"/>`,
    `<text x="${WIDTH - PAD.right + 50}" y="${ly + 24}">p99 per delivery</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
