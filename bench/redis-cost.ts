/**
 * What one entry costs Redis and the wire, for docs/scaling.md: Redis commands, pub/sub messages
 * and bytes per posted entry (INFO commandstats and INFO stats of every node, before and after),
 * on single Redis (with a replica) and on a Redis Cluster of 3 primaries and 3 replicas; and the
 * bytes each reader receives per entry (its WebSocket frames). Every instance keeps a few
 * readers subscribed, so that it subscribes to the blog as a real instance does. What Redis does
 * in the background (health checks, presence, a cluster client's slot refresh) is measured over
 * an idle window of the same length first and taken off. Counts, not times: nothing is pinned.
 *
 * @example
 * npx tsx bench/redis-cost.ts --modes single,cluster --instances 2 --readers 10 --entries 40
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as z from 'zod';
import { freePort } from '../test/support/redis-server.js';
import { stopAll } from '../test/support/processes.js';
import { CONNECT_NAMESPACE, PONG, SOCKET_IO_PATH, classify, subscribePacket } from './loadgen/protocol.js';
import { RawWebSocket, clientTextFrame } from './loadgen/raw-websocket.js';
import { closePublisher, createBlog, publishEntry } from './publisher.js';
import { startBenchCluster, startSingleRedis, type RedisUnderTest } from './redis-under-test.js';
import { sleep } from './scenario.js';
import { startTarget, type Target } from './targets.js';

const Args = z.object({
  modes: z.string().transform((s) => s.split(',')).pipe(z.array(z.enum(['single', 'cluster'])).min(1)).default(['single', 'cluster']),
  instances: z.coerce.number().int().min(1).max(8).default(2),
  readers: z.coerce.number().int().min(1).max(500).default(10),
  entries: z.coerce.number().int().min(1).max(500).default(40),
  intervalMs: z.coerce.number().int().min(10).default(100),
});
type Args = z.infer<typeof Args>;

/** One redis-server's counters: calls per command, and the INFO stats fields that add up. */
interface Counters {
  calls: Map<string, number>;
  stats: Map<string, number>;
  cpuMicros: number;
}

const STATS = ['total_commands_processed', 'total_net_input_bytes', 'total_net_output_bytes', 'total_net_repl_output_bytes', 'total_net_repl_input_bytes'] as const;

/** What a cluster node sent over the cluster bus to carry pub/sub: classic PUBLISH goes to every node, SPUBLISH to the shard. */
const BUS = ['cluster_stats_messages_publish_sent', 'cluster_stats_messages_publishshard_sent'] as const;

async function counters(node: Redis): Promise<Counters> {
  const [commandstats, stats, cpu, bus] = await Promise.all([
    node.info('commandstats'),
    node.info('stats'),
    node.info('cpu'),
    // a plain redis-server answers that cluster support is disabled
    node.call('CLUSTER', 'INFO').then(String, () => ''),
  ]);
  const calls = new Map<string, number>();
  for (const m of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1]!, Number(m[2]));
  const field = (text: string, name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    calls,
    stats: new Map([...STATS.map((name): [string, number] => [name, field(stats, name)]), ...BUS.map((name): [string, number] => [name, field(bus, name)])]),
    cpuMicros: (field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys')) * 1e6,
  };
}

/** after − before, per command and field. */
function delta(before: Counters, after: Counters): Counters {
  const sub = (a: Map<string, number>, b: Map<string, number>): Map<string, number> =>
    new Map([...a].map(([k, v]) => [k, v - (b.get(k) ?? 0)]).filter(([, v]) => v !== 0) as Array<[string, number]>);
  return { calls: sub(after.calls, before.calls), stats: sub(after.stats, before.stats), cpuMicros: after.cpuMicros - before.cpuMicros };
}

/** `busy − idle × (busySeconds / idleSeconds)`, per entry. */
function perEntry(busy: Counters, idle: Counters, ratio: number, entries: number): Counters {
  const net = (a: Map<string, number>, b: Map<string, number>): Map<string, number> => {
    const keys = new Set([...a.keys(), ...b.keys()]);
    return new Map([...keys].map((k) => [k, ((a.get(k) ?? 0) - (b.get(k) ?? 0) * ratio) / entries]));
  };
  return { calls: net(busy.calls, idle.calls), stats: net(busy.stats, idle.stats), cpuMicros: (busy.cpuMicros - idle.cpuMicros * ratio) / entries };
}

/** A reader of one blog that keeps the size of every entry frame it receives. */
function reader(target: Target, blogId: string, frames: number[]): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new RawWebSocket('127.0.0.1', target.port, SOCKET_IO_PATH, {
      open: () => undefined,
      message: (data) => {
        const packet = classify(data);
        if (packet.kind === 'open') socket.send(clientTextFrame(CONNECT_NAMESPACE));
        else if (packet.kind === 'connected') socket.send(clientTextFrame(subscribePacket(1, { blogId })));
        else if (packet.kind === 'ping') socket.send(clientTextFrame(PONG));
        else if (packet.kind === 'ack') resolve(socket);
        // the frame as it went over the wire: an unmasked server frame's header and its payload
        else if (packet.kind === 'update') frames.push(data.length + (data.length < 126 ? 2 : data.length < 65_536 ? 4 : 10));
      },
      close: () => reject(new Error('reader closed before its subscribe answer')),
    });
  });
}

async function snapshot(nodes: Redis[]): Promise<Counters[]> {
  return Promise.all(nodes.map(counters));
}

async function measure(mode: 'single' | 'cluster', args: Args): Promise<string[]> {
  const deployment = mode === 'single' ? await startSingleRedis({ replicas: 1 }) : await startBenchCluster({ replicas: 1 });
  const adminToken = `cost-${randomBytes(12).toString('hex')}`;
  const targets: Target[] = [];
  const sockets: RawWebSocket[] = [];
  try {
    for (let i = 0; i < args.instances; i += 1) {
      targets.push(await startTarget({ kind: 'service', port: await freePort(), redis: deployment, adminToken, cpus: '0-1' }));
    }
    const blogId = `cost-${Date.now().toString(36)}`;
    await createBlog(targets[0]!.url, adminToken, blogId);
    const frames: number[] = [];
    const nodes = [...deployment.primaries, ...deployment.replicas];
    const connect0 = await snapshot(nodes);
    const connectStart = Date.now();
    for (const t of targets) for (let r = 0; r < args.readers; r += 1) sockets.push(await reader(t, blogId, frames));
    const connectMs = Date.now() - connectStart;
    const connect1 = await snapshot(nodes);
    await sleep(1_000);

    const windowMs = args.entries * args.intervalMs + 1_000;
    const idle0 = await snapshot(nodes);
    await sleep(windowMs);
    const idle1 = await snapshot(nodes);
    const busy0 = await snapshot(nodes);
    const start = Date.now();
    for (let i = 0; i < args.entries; i += 1) {
      const wait = start + i * args.intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      await publishEntry(targets[i % targets.length]!.url, adminToken, blogId, i);
    }
    await sleep(start + windowMs - Date.now());
    const busy1 = await snapshot(nodes);
    const busyMs = Date.now() - start;
    const expectedFrames = args.entries * args.instances * args.readers;
    if (frames.length !== expectedFrames) throw new Error(`${mode}: readers got ${frames.length} entry frames, expected ${expectedFrames}`);

    const idle = idle1.map((c, i) => delta(idle0[i]!, c));
    const busy = busy1.map((c, i) => delta(busy0[i]!, c));
    const entry = busy.map((b, i) => perEntry(b, idle[i]!, busyMs / windowMs, args.entries));
    const connect = connect1.map((c, i) => perEntry(delta(connect0[i]!, c), idle[i]!, connectMs / windowMs, args.instances * args.readers));
    // which primary each replica follows (INFO replication's master_port)
    const replicaOf = await Promise.all(
      deployment.replicas.map(async (r) => {
        const port = Number(/^master_port:(\d+)/m.exec(await r.info('replication'))?.[1]);
        return deployment.primaries.findIndex((p) => p.options.port === port);
      }),
    );
    return report(mode, args, deployment, entry, connect, frames, replicaOf);
  } finally {
    for (const s of sockets) s.close();
    await Promise.all(targets.map((t) => t.kill('SIGTERM')));
    await deployment.close();
  }
}

/** Rounded first, so that a noise of -0.3 shows as 0. */
const fmt = (n: number, digits = 1): string => {
  const rounded = Math.round(n * 10 ** digits) / 10 ** digits;
  return rounded === 0 ? '0' : rounded.toLocaleString('en-US', { maximumFractionDigits: digits });
};

function report(mode: string, args: Args, d: RedisUnderTest, entry: Counters[], connect: Counters[], frames: number[], replicaOf: number[]): string[] {
  const role = (i: number): string => (i < d.primaries.length ? `primary ${i + 1}` : `replica of primary ${replicaOf[i - d.primaries.length]! + 1}`);
  const lines = [
    `## ${mode === 'single' ? 'Single Redis (one primary, one replica)' : 'Redis Cluster (3 primaries, 3 replicas)'}: ${args.instances} instances, ${args.readers} readers each, ${args.entries} entries`,
    '',
    '| node | commands per entry | of which | PUBLISH / SPUBLISH per entry | cluster bus pub/sub messages sent per entry | bytes in per entry | bytes out per entry | replication bytes out per entry | CPU µs per entry | commands per reader subscribe |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  entry.forEach((c, i) => {
    const commands = c.stats.get('total_commands_processed') ?? 0;
    const named = [...c.calls].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ');
    const pubsub = (c.calls.get('publish') ?? 0) + (c.calls.get('spublish') ?? 0);
    lines.push(
      `| ${role(i)} | ${fmt(commands, 2)} | ${named || '–'} | ${fmt(pubsub, 2)} | ${fmt(BUS.reduce((sum, name) => sum + (c.stats.get(name) ?? 0), 0), 2)} | ${fmt(c.stats.get('total_net_input_bytes') ?? 0, 0)} | ${fmt(c.stats.get('total_net_output_bytes') ?? 0, 0)} | ` +
        `${fmt(c.stats.get('total_net_repl_output_bytes') ?? 0, 0)} | ${fmt(c.cpuMicros, 0)} | ${fmt(connect[i]!.stats.get('total_commands_processed') ?? 0, 2)} |`,
    );
  });
  const sorted = [...frames].sort((a, b) => a - b);
  lines.push(
    '',
    'Background work (health checks, presence, the cluster client\'s slot refreshes) was measured over an idle window as long as the posting one and taken off: ' +
      'small negative figures, and figures of a few dozen bytes or µs on nodes that do not hold the blog, are what is left of that noise.',
  );
  lines.push('', `Bytes per reader per entry (its WebSocket frame, header included; TCP/IP headers not): median ${sorted[Math.floor(sorted.length / 2)]}, min ${sorted[0]}, max ${sorted.at(-1)}.`, '');
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { modes: { type: 'string' }, instances: { type: 'string' }, readers: { type: 'string' }, entries: { type: 'string' }, 'interval-ms': { type: 'string' } },
    strict: true,
  });
  const args = Args.parse({ modes: values.modes, instances: values.instances, readers: values.readers, entries: values.entries, intervalMs: values['interval-ms'] });
  process.stdout.write(`# Redis and wire cost per entry\n\nCommand: \`npx tsx bench/redis-cost.ts ${process.argv.slice(2).join(' ')}\`\n\n`);
  for (const mode of args.modes) process.stdout.write(`${(await measure(mode, args)).join('\n')}\n`);
}

main().then(
  () => {
    closePublisher();
    stopAll();
    process.exit(0);
  },
  (err: unknown) => {
    closePublisher();
    stopAll();
    process.stderr.write(`redis-cost failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
