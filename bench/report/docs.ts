import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECONNECT_SCHEDULE } from '../../client/live/backoff.js';
import { kindOf, type FanoutResult } from '../scenario.js';
import { ratio, type BenchResults } from './results.js';
import { latencyChart } from './svg.js';

const num = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
const three = (r: number | null): string => (r === null ? '–' : r.toFixed(3));
const yesNo = (ok: boolean): string => (ok ? 'met' : '**not met**');
/** The deployment of a row: workers per instance and the Redis it ran on. */
const workersOf = (r: FanoutResult): string => (kindOf(r) === 'workers' ? `WORKERS=${num(r.workers ?? 1, 0)}` : num(r.workers ?? 1, 0));
const redisOf = (r: FanoutResult): string => ((r.redisMode ?? 'single') === 'cluster' ? 'cluster' : 'single');
/** ` (runs: 1.2, 1.3, 1.1)` when the row is a median of several runs. */
const perRun = (values: number[] | undefined, digits = 1): string =>
  values !== undefined && values.length > 1 ? ` (runs: ${values.map((v) => num(v, digits)).join(', ')})` : '';

function fanoutTable(rows: FanoutResult[]): string[] {
  const lines = [
    '| readers | server | inst. | workers | Redis | p50 ms | p90 ms | p99 ms | max ms | last reader ms (median / worst) | deliveries/s (sustained / burst) | lost | doubled | KiB per reader | server CPU µs per delivery | server CPU busy | Redis CPU ms | load gen. busy |',
    '| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const d = r.delivery;
    lines.push(
      `| ${num(r.readers, 0)} | ${r.server} | ${r.instances} | ${workersOf(r)} | ${redisOf(r)} | ${num(d.latencyMs.p50)} | ${num(d.latencyMs.p90)} | ${num(d.latencyMs.p99)} | ${num(d.latencyMs.max)} | ` +
        `${num(d.lastReaderMs.median)} / ${num(d.lastReaderMs.worst)} | ${num(d.deliveriesPerSecond, 0)} / ${num(d.burstDeliveriesPerSecond, 0)} | ` +
        `${d.lost}${r.subscribeFailed > 0 ? ` (+${r.subscribeFailed} not subscribed)` : ''} | ${d.duplicated} | ${num(r.memoryKiBPerReader)} | ${num(r.serverCpuMicrosPerDelivery)} | ` +
        `${num(r.serverCpuBusyPercent, 0)} % | ${num(r.redisCpuMs)} | ${num(r.loadgenCpuBusyPercent, 0)} % |`,
    );
  }
  return lines;
}

function connectTable(rows: FanoutResult[]): string[] {
  const lines = [
    '| readers | server | inst. | workers | Redis | connect + subscribe s | server CPU µs per reader |',
    '| ---: | --- | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${num(r.readers, 0)} | ${r.server} | ${r.instances} | ${workersOf(r)} | ${redisOf(r)} | ${num(r.connectSeconds)} | ${num(r.connectCpuMicrosPerReader, 0)} |`);
  }
  return lines;
}

function ratioTable(single: FanoutResult[]): string[] {
  const lines = [
    '| readers | CPU per delivery vs baseline / vs limit | memory per reader vs baseline / vs limit | last reader (median) vs baseline / vs limit | p99 vs baseline / vs limit |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const readers of [...new Set(single.map((r) => r.readers))]) {
    const of = (server: string): FanoutResult | undefined => single.find((r) => r.readers === readers && r.server === server);
    const s = of('service');
    const b = of('baseline');
    const l = of('limit');
    if (!s) continue;
    const pair = (pick: (r: FanoutResult) => number): string =>
      `${num(ratio(pick(s), b && pick(b)), 2)}x / ${num(ratio(pick(s), l && pick(l)), 2)}x`;
    lines.push(
      `| ${num(readers, 0)} | ${pair((r) => r.serverCpuMicrosPerDelivery)} | ${pair((r) => r.memoryKiBPerReader)} | ` +
        `${pair((r) => r.delivery.lastReaderMs.median)} | ${pair((r) => r.delivery.latencyMs.p99)} |`,
    );
  }
  return lines;
}

function targets(results: BenchResults): string[] {
  const single = results.fanout.filter((r) => kindOf(r) === 'fanout');
  const compared = [...new Set(single.map((r) => r.readers))]
    .filter((n) => single.some((r) => r.readers === n && r.server === 'service') && single.some((r) => r.readers === n && r.server === 'baseline'))
    .sort((a, b) => b - a)[0];
  const lines = ['| target | measured | status |', '| --- | --- | --- |'];
  if (compared !== undefined) {
    const s = single.find((r) => r.readers === compared && r.server === 'service')!;
    const b = single.find((r) => r.readers === compared && r.server === 'baseline')!;
    // judged unrounded, shown with three digits: a ratio of 0.604 is not 0.6
    const exact = (a: number, c: number): number | null => (Number.isFinite(a) && Number.isFinite(c) && c > 0 ? a / c : null);
    const cpu = exact(s.serverCpuMicrosPerDelivery, b.serverCpuMicrosPerDelivery);
    const mem = exact(s.memoryKiBPerReader, b.memoryKiBPerReader);
    const last = exact(s.delivery.lastReaderMs.median, b.delivery.lastReaderMs.median);
    const connect = exact(s.connectSeconds, b.connectSeconds);
    const at = `at ${num(compared, 0)} readers`;
    const runs = (r: (typeof single)[number]): string => (r.runs !== undefined && r.runs > 1 ? `medians of ${r.runs} runs: ` : '');
    lines.push(
      `| CPU per delivery ≤ 0.6x baseline (${at}) | ${runs(s)}${num(s.serverCpuMicrosPerDelivery)} µs${perRun(s.perRun?.cpuMicrosPerDelivery)} vs ${num(b.serverCpuMicrosPerDelivery)} µs${perRun(b.perRun?.cpuMicrosPerDelivery)} = ${three(cpu)}x | ${yesNo(cpu !== null && cpu <= 0.6)} |`,
      `| memory per reader ≤ 0.6x baseline (${at}) | ${runs(s)}${num(s.memoryKiBPerReader)} KiB${perRun(s.perRun?.memoryKiBPerReader)} vs ${num(b.memoryKiBPerReader)} KiB${perRun(b.perRun?.memoryKiBPerReader)} = ${three(mem)}x | ${yesNo(mem !== null && mem <= 0.6)} |`,
      `| time until the last reader ≤ 0.75x baseline (${at}) | ${runs(s)}${num(s.delivery.lastReaderMs.median)} ms${perRun(s.perRun?.lastReaderMedianMs, 0)} vs ${num(b.delivery.lastReaderMs.median)} ms${perRun(b.perRun?.lastReaderMedianMs, 0)} = ${three(last)}x | ${yesNo(last !== null && last <= 0.75)} |`,
      `| connecting + subscribing no slower than the baseline (${at}) | ${runs(s)}${num(s.connectSeconds)} s${perRun(s.perRun?.connectSeconds)} vs ${num(b.connectSeconds)} s${perRun(b.perRun?.connectSeconds)} = ${three(connect)}x | ${yesNo(connect !== null && connect <= 1)} |`,
    );
  } else {
    lines.push('| ratios to the baseline | no reader count measured on both the service and the baseline | not measured |');
  }
  const all = [...results.fanout.map((r) => r.delivery), ...results.storm.map((r) => r.delivery)];
  const lost = all.reduce((s, d) => s + d.lost, 0);
  const doubled = all.reduce((s, d) => s + d.duplicated, 0);
  lines.push(`| nothing lost, nothing doubled, every scenario and server | ${lost} lost, ${doubled} doubled | ${yesNo(lost === 0 && doubled === 0)} |`);
  for (const r of results.fanout.filter((f) => kindOf(f) === 'two-instances' && f.server === 'service')) {
    const ok = r.delivery.lost === 0 && r.delivery.lastReaderMs.worst <= 1_000;
    const limit = results.fanout.find((f) => kindOf(f) === 'two-instances' && f.instances === r.instances && f.readers === r.readers && f.server === 'limit');
    const reference = limit !== undefined ? `; the limit server: worst ${num(limit.delivery.lastReaderMs.worst)} ms` : '';
    lines.push(
      `| ${num(r.readers, 0)} readers over ${r.instances} instances: every entry to every reader within 1 s | ` +
        `worst entry ${num(r.delivery.lastReaderMs.worst)} ms (median of runs), ${r.delivery.lost} lost${reference} | ${yesNo(ok)} |`,
    );
  }
  for (const r of results.fanout.filter((f) => kindOf(f) === 'cluster')) {
    const ok = r.delivery.lost === 0 && r.delivery.duplicated === 0 && r.delivery.lastReaderMs.worst <= 1_000;
    const single = results.fanout.find((f) => kindOf(f) === 'two-instances' && f.server === 'service' && f.readers === r.readers);
    const reference = single !== undefined ? `; on single Redis: worst ${num(single.delivery.lastReaderMs.worst)} ms` : '';
    lines.push(
      `| cluster: every entry to every reader within 1 s, nothing lost or doubled (${num(r.readers, 0)} readers over ${r.instances} instances, 3-primary Redis Cluster) | ` +
        `worst entry ${num(r.delivery.lastReaderMs.worst)} ms (median of runs)${perRun(r.perRun?.lastReaderWorstMs, 0)}, ` +
        `${r.delivery.lost} lost, ${r.delivery.duplicated} doubled${reference} | ${yesNo(ok)} |`,
    );
  }
  for (const s of results.storm) {
    const ok = s.delivery.lost === 0 && s.delivery.duplicated === 0 && s.caughtUpMs <= 5_000;
    lines.push(
      `| catch-up storm (${num(s.readers, 0)} readers): all caught up within 5 s | ${num(s.caughtUpMs, 0)} ms after the restart${perRun(s.caughtUpMsPerRun, 0)} | ${yesNo(ok)} |`,
    );
  }
  return lines;
}

/** The workers rows are in the fan-out tables; this is what they say against each other. */
function workersComparison(results: BenchResults): string[] {
  const rows = results.fanout.filter((r) => kindOf(r) === 'workers');
  const one = rows.find((r) => (r.workers ?? 1) === 1);
  const many = rows.filter((r) => (r.workers ?? 1) > 1);
  if (one === undefined || many.length === 0) return ['Not run (`--workers 0`).'];
  return many.map((r) => {
    const x = (pick: (f: FanoutResult) => number): string => `${num(ratio(pick(r), pick(one)), 2)}x`;
    return (
      `- ${num(r.readers, 0)} readers, \`${workersOf(r)}\` against one worker (lower is better): last reader (median) ${x((f) => f.delivery.lastReaderMs.median)}, ` +
      `p99 ${x((f) => f.delivery.latencyMs.p99)}, connect + subscribe ${x((f) => f.connectSeconds)}, CPU per delivery ${x((f) => f.serverCpuMicrosPerDelivery)}; ` +
      `server CPU busy ${num(r.serverCpuBusyPercent, 0)} % against ${num(one.serverCpuBusyPercent, 0)} %, load generators ${num(r.loadgenCpuBusyPercent, 0)} % busy` +
      (r.socketsPerWorker !== undefined ? `; open sockets per worker (readers, Redis, IPC): ${r.socketsPerWorker.map((n) => num(n, 0)).join(' / ')} (first run).` : '.')
    );
  });
}

function stormTable(results: BenchResults): string[] {
  if (results.storm.length === 0) return ['Not run (`--storm 0`).'];
  const lines = [
    '| readers | instance down ms | resubscribed | reconnect attempts | resubscribe ack after restart ms (median / last) | all caught up after restart ms | lost | doubled | p99 ms | last reader ms (median / worst) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of results.storm) {
    lines.push(
      `| ${num(s.readers, 0)} | ${num(s.downMs, 0)} | ${num(s.resubscribed, 0)} | ${num(s.reconnects, 0)} | ${num(s.resubscribeMs.median, 0)} / ${num(s.resubscribeMs.last, 0)} | ` +
        `${num(s.caughtUpMs, 0)} | ${s.delivery.lost} | ${s.delivery.duplicated} | ${num(s.delivery.latencyMs.p99)} | ${num(s.delivery.lastReaderMs.median)} / ${num(s.delivery.lastReaderMs.worst)} |`,
    );
  }
  lines.push(
    '',
    'Where the time of each reader\'s successful reconnect went (from the load generators\' clocks), and what limited it:',
    '',
    '| readers | last attempt started after restart ms (median / last) | attempt to WebSocket open ms (median / p99) | open to resubscribe ack ms (median / p99) | instance CPU busy | load gen. busy | accept-queue drops |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of results.storm) {
    lines.push(
      `| ${num(s.readers, 0)} | ${num(s.attemptMs?.median, 0)} / ${num(s.attemptMs?.last, 0)} | ${num(s.openMs?.median, 0)} / ${num(s.openMs?.p99, 0)} | ` +
        `${num(s.answerMs?.median, 0)} / ${num(s.answerMs?.p99, 0)} | ${num(s.serverCpuBusyPercent, 0)} % | ${num(s.loadgenCpuBusyPercent, 0)} % | ${num(s.listenOverflows, 0)} |`,
    );
  }
  return lines;
}

/**
 * Writes `docs/benchmarks.md` and `docs/benchmarks-latency.svg` from one run's results.
 *
 * @example
 * writeDocs(ROOT, results); // ['docs/benchmarks.md', 'docs/benchmarks-latency.svg']
 */
export function writeDocs(root: string, results: BenchResults): string[] {
  const m = results.machine;
  const p = results.parameters;
  const single = results.fanout.filter((r) => kindOf(r) === 'fanout');
  const doc = [
    '# Fan-out benchmark',
    '',
    'How fast one entry reaches every open page, measured against what a developer would otherwise build. ' +
      '*This file is written by `npm run bench`; edit `bench/report/docs.ts`, not the file.*',
    '',
    '- **service**: this repository, production build (`node dist/server/main.js`) on Redis;',
    '- **baseline** (`bench/servers/baseline.ts`): Express + Socket.IO + `@socket.io/redis-adapter`; readers join a room, a POST does `io.to(room).emit(\'update\', event)`;',
    '- **limit** (`bench/servers/limit.ts`): raw `ws` + bufferutil; one WebSocket frame built per event and that buffer written to every socket: the practical ceiling for Node.',
    '',
    'All three fan out the same `entry.created` event (about 500 bytes of Markdown body, rendered HTML, about 1.5 KB on the wire) ' +
      'and are measured one after another in the same run.',
    '',
    `## Run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB memory, Linux ${m.kernel}, Node ${m.node}.`,
    `- Command: \`${results.command}\``,
    `- Servers and Redis pinned to CPU ${p.serverCpus}; load generators and the publisher on CPU ${p.loadCpus} (\`taskset\`). ` +
      `The cluster scenario keeps this placement: its two instances and the cluster's three primaries (no replicas) share CPU ${p.serverCpus} as the single Redis does, ` +
      'so that its rows stand next to the rows on single Redis. The workers scenario is in its own section below.',
    `- ${p.warmup} warm-up entries, then ${p.entries} measured entries, one every ${p.intervalMs} ms, POSTed through each server's REST endpoint.`,
    `- Every scenario ran ${p.repeat ?? 1} time(s), rounds interleaving the servers; each row is the median of its runs (lost and doubled are summed over the runs).`,
    ...(results.note !== undefined ? [`- Note: ${results.note}`] : []),
    '',
    '![Latency against readers](benchmarks-latency.svg)',
    '',
    '### Fan-out',
    '',
    ...fanoutTable(results.fanout),
    '',
    '### Connecting and subscribing',
    '',
    'From the first connection until every reader had its subscribe answer; the load generators open ' +
      `${results.parameters.batch ?? 500} connections at a time and wait for their answers before the next ones. ` +
      'A reader of the service and of the baseline does the Engine.IO and Socket.IO handshakes and one `subscribe` with an ack ' +
      '(the service answers with a snapshot of the blog, the baseline with an empty list); a reader of the limit opens a bare WebSocket.',
    '',
    ...connectTable(results.fanout),
    '',
    '### Ratios of the service (1.00x = same; lower is better)',
    '',
    ...ratioTable(single),
    '',
    '### Every core: WORKERS',
    '',
    'The same readers on one port, first with `WORKERS=1` (one process, on ' +
      `CPU ${p.serverCpus} with Redis), then with \`WORKERS=n\` (Node's cluster module: a primary that hands each connection to a worker with ` +
      `\`@socket.io/sticky\`, and n workers, each a full instance on the shared Redis). The primary stays on CPU ${p.serverCpus}; ` +
      `worker i is pinned to CPU i (${(p.workerCpus ?? []).join(', ') || 'not recorded'}). ` +
      `On this ${m.nproc}-CPU machine the second worker shares CPU ${p.loadCpus} with the load generators and the publisher, which take ` +
      'a good part of it at this size (the load gen. busy column): the gain over one worker is what is left of that CPU, not what a free CPU would give. ' +
      'CPU and memory are summed over the primary and its workers; server CPU busy can then pass 100 %. ' +
      'Their rows are marked `WORKERS=n` in the fan-out tables.',
    '',
    ...workersComparison(results),
    '',
    '### Catch-up storm',
    '',
    'Readers subscribed to one instance lose it (`kill -9`), it is restarted on the same port, and readers reconnect on the ' +
      `reader library's schedule (\`reconnectDelay\` of client/live: the first attempt anywhere within ${num(RECONNECT_SCHEDULE.windowMs, 0)} ms, ` +
      `then ${num(RECONNECT_SCHEDULE.retryMs, 0)} ms doubling up to ${num(RECONNECT_SCHEDULE.maxMs, 0)} ms, jittered down to half) and resubscribe with \`{epoch, after}\`; ` +
      'meanwhile entries keep coming through a second instance. "All caught up" is the time from the restart until every reader held every entry published while its instance was down.',
    '',
    ...stormTable(results),
    '',
    '### Targets (issues 5, 9 and 10)',
    '',
    ...targets(results),
    '',
    // what the profiles show: written by hand in bench/report/analysis.md, kept with the figures
    readFileSync(join(root, 'bench', 'report', 'analysis.md'), 'utf8').trimEnd(),
    '',
    '## How the figures are taken',
    '',
    '- Latency: receive time in the load generator minus the moment the POST was sent, both on `process.hrtime` (one monotonic clock for every process of the machine). "Last reader" is, per entry, the time until the slowest reader had it.',
    '- Deliveries/s: sustained is measured deliveries over the measured window (bounded by the publishing rate); burst is readers divided by the median last-reader time.',
    '- Lost / doubled: every reader must receive every entry published after it subscribed exactly once (warm-up included).',
    '- Memory per reader: server `VmRSS` after all readers subscribed minus before they connected, divided by readers (one sample: garbage collection makes it noisy at small reader counts).',
    '- CPU per delivery: server `utime + stime` (/proc/<pid>/stat, 10 ms ticks; summed over every process of the instances, a `WORKERS=n` primary and its workers included) over the measured phase divided by measured deliveries; it includes the POST itself. Busy % is that CPU time over the wall time of the phase (pinned to one CPU, so 100 % is saturation; `WORKERS=2` may take 200 %). Redis CPU is `INFO cpu` over the same phase, summed over a cluster\'s primaries.',
    '- Load generator busy %: CPU time of all load-generator processes (they share one CPU) over the phase. Near 100 % means the generator, not the server, limits the latency figures.',
    '- Cluster scenario: a Redis Cluster of three primaries (`redis-cli --cluster create`, no replicas) started afresh for each round, the service on it with `REDIS_CLUSTER_NODES`; its Redis CPU is summed over the primaries. Workers scenario: the service started with `WORKERS=n` on one port; its CPU and memory are summed over the primary and the workers, and each worker\'s open sockets are counted once the readers are in.',
    '- Some scenarios only, for development: `npm run bench -- --only cluster,workers` (any of fanout, two-instances, cluster, workers, storm); the targets are judged on a full run. What an entry costs Redis and the wire: `npx tsx bench/redis-cost.ts` (docs/scaling.md).',
    '- Load generators are separate processes speaking Engine.IO v4 / Socket.IO by hand over a minimal WebSocket client of their own (`bench/loadgen/raw-websocket.ts`: `ws`\'s client costs about as much CPU per connection as the server under test, and would set the pace of a reconnect storm), at most 9,000 sockets each (the open-file limit is 20,000 per process); they reconnect on the reader library\'s schedule (`reconnectDelay`) and ask again after a refused subscribe as it does (`retryDelay`); every run uses fresh server ports.',
    '',
  ].join('\n');
  writeFileSync(join(root, 'docs', 'benchmarks.md'), doc);
  writeFileSync(join(root, 'docs', 'benchmarks-latency.svg'), latencyChart(results.fanout));
  return ['docs/benchmarks.md', 'docs/benchmarks-latency.svg'];
}
