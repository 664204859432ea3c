import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { freePort, waitForPing } from './redis-server.js';
import { restartable, spawnTracked, trackedTempDir } from './processes.js';

/** One redis-server of a test cluster. */
export interface ClusterNode {
  port: number;
  /** `127.0.0.1:<port>`, as CLUSTER NODES and REDIS_CLUSTER_NODES write it. */
  address: string;
  /** A plain (non-cluster) client of this node alone, for CLUSTER commands and per-node stats. */
  admin: Redis;
  /** False after `kill()` until `restart()`. */
  readonly running: boolean;
  /** SIGKILL: its replica takes over after `cluster-node-timeout`. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir; it rejoins with its old node id (as a replica if it was replaced). */
  restart(): Promise<void>;
}

/** A Redis Cluster of real redis-server processes: 3 primaries, each with 1 replica unless told 0. */
export interface TestRedisCluster {
  nodes: ClusterNode[];
  /** Seed list for REDIS_CLUSTER_NODES: every node's `127.0.0.1:<port>`. */
  seeds: string;
  /** The cluster's node timeout: how long a primary may be silent before its replica is promoted. */
  nodeTimeoutMs: number;
  /** The node that serves `slot` now, asked of a running node (CLUSTER SLOTS). */
  primaryOf(slot: number): Promise<ClusterNode>;
  /** The current primaries (CLUSTER NODES of a running node). */
  primaries(): Promise<ClusterNode[]>;
  /** The hash slot of a key, as the cluster computes it (CLUSTER KEYSLOT). */
  slotOf(key: string): Promise<number>;
  /**
   * Resolves once every running node reports `cluster_state:ok`, they agree on who serves every slot,
   * and no slot is served by a stopped node (after `kill()`, once a replica took over).
   */
  waitUntilStable(timeoutMs?: number): Promise<void>;
  /**
   * `count` fresh ids (`<prefix>-<hex>`) per current primary, each a hash tag (`{id}`) whose slot that
   * primary owns: the blogs of a test spread over every shard for sure.
   */
  idsOnEveryPrimary(prefix: string, count?: number): Promise<{ id: string; primary: ClusterNode; slot: number }[]>;
  /**
   * Moves `slot` to the primary `to` the way `redis-cli --cluster reshard` does: SETSLOT IMPORTING on
   * the target, MIGRATING on the source, MIGRATE of its keys in batches, then SETSLOT NODE on every
   * primary. Resolves once it is done, with how long it took.
   */
  migrateSlot(slot: number, to: ClusterNode): Promise<{ ms: number; keys: number }>;
  /** A cluster client for the test's own reads and writes. */
  client(): Cluster;
  close(): Promise<void>;
}

const PRIMARIES = 3;

function assertRedisCliInstalled(): void {
  const probe = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('redis-cli is not installed: run `apt-get install -y redis-tools` (npm test does this on Debian as root)');
}

/**
 * Starts six redis-servers with `cluster-enabled yes` on free ports in a temp dir and joins them
 * with `redis-cli --cluster create` (3 primaries, 3 replicas; `replicas: 0` for three primaries
 * alone, where replicas would only take CPU from what is measured); every process is stopped by
 * `close()`, and by the process tracker if the test process dies first.
 *
 * @example
 * const cluster = await startRedisCluster();
 * after(() => cluster.close());
 * const a = await startInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds } });
 */
export async function startRedisCluster(options: { nodeTimeoutMs?: number; replicas?: 0 | 1 } = {}): Promise<TestRedisCluster> {
  assertRedisCliInstalled();
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000;
  const replicasPerPrimary = options.replicas ?? 1;
  const dir = trackedTempDir('liveblog-redis-cluster-');
  // Each node needs two ports: clients', and the cluster bus (`cluster-port`, else port + 10000).
  const ports: number[] = [];
  while (ports.length < 2 * PRIMARIES * (1 + replicasPerPrimary)) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const count = PRIMARIES * (1 + replicasPerPrimary);

  const nodes: ClusterNode[] = ports.slice(0, count).map((port, i) => {
    const busPort = ports[count + i] ?? 0;
    const url = `redis://127.0.0.1:${port}`;
    const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    admin.on('error', () => {
      // reconnects by itself across kill() / restart()
    });
    const server = restartable(() => {
      const args = [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-port', String(busPort),
        '--cluster-node-timeout', String(nodeTimeoutMs),
        // a replica whose primary is gone is promoted however long it was cut off
        '--cluster-replica-validity-factor', '0',
        '--save', '', '--appendonly', 'no', '--dbfilename', `dump-${port}.rdb`,
      ];
      return spawnTracked('redis-server', args, { stdio: 'ignore' });
    });
    return {
      port,
      address: `127.0.0.1:${port}`,
      admin,
      get running() {
        return server.running;
      },
      kill: () => server.kill(),
      restart: () => waitForPing(url, server.start(), 10_000),
    };
  });

  const close = async (): Promise<void> => {
    for (const node of nodes) {
      node.admin.disconnect();
      await node.kill();
    }
  };

  try {
    await Promise.all(nodes.map((node) => node.restart()));
    await Promise.all(nodes.map((node) => node.admin.connect()));
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', String(replicasPerPrimary), '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
  } catch (err) {
    await close();
    throw err;
  }

  const byAddress = (address: string): ClusterNode => {
    const node = nodes.find((n) => n.address === address);
    if (node === undefined) throw new Error(`no node of this cluster at ${address}`);
    return node;
  };
  const anyRunning = (): ClusterNode => {
    const node = nodes.find((n) => n.running);
    if (node === undefined) throw new Error('no node of the cluster is running');
    return node;
  };
  /** CLUSTER SLOTS as `slot range → primary address` of one node's view. */
  const slotsSeenBy = async (node: ClusterNode): Promise<string> => {
    const slots = (await node.admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
    return slots
      .map(([from, to, primary]) => `${from}-${to}@${primary[0]}:${primary[1]}`)
      .sort()
      .join(' ');
  };

  /** The slot ranges a primary serves, in its own view. */
  const ownedRanges = async (node: ClusterNode): Promise<[number, number][]> => {
    const slots = (await node.admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
    return slots.filter(([, , primary]) => `${primary[0]}:${primary[1]}` === node.address).map(([from, to]): [number, number] => [from, to]);
  };

  const cluster: TestRedisCluster = {
    nodes,
    seeds: nodes.map((n) => n.address).join(','),
    nodeTimeoutMs,
    async primaryOf(slot) {
      const slots = (await anyRunning().admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (range === undefined) throw new Error(`slot ${slot} is not served`);
      return byAddress(`${range[2][0]}:${range[2][1]}`);
    },
    async primaries() {
      const text = String(await anyRunning().admin.call('CLUSTER', 'NODES'));
      // <id> <ip:port@cport> <flags> ...; flags such as `myself,master` or `master,fail`
      return text
        .split('\n')
        .map((line) => line.split(' '))
        .filter((parts) => {
          const flags = (parts[2] ?? '').split(',');
          return flags.includes('master') && !flags.includes('fail') && !flags.includes('fail?');
        })
        .map((parts) => byAddress((parts[1] ?? '').split('@')[0] ?? ''));
    },
    async slotOf(key) {
      return Number(await anyRunning().admin.call('CLUSTER', 'KEYSLOT', key));
    },
    async waitUntilStable(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: string;
      for (;;) {
        try {
          const running = nodes.filter((n) => n.running);
          const infos = await Promise.all(running.map((n) => n.admin.call('CLUSTER', 'INFO')));
          const views = await Promise.all(running.map(slotsSeenBy));
          const allOk = infos.every((info) => String(info).includes('cluster_state:ok'));
          const agreed = views.every((view) => view === views[0]) && (views[0] ?? '') !== '';
          // a killed primary still serves its slots in the others' view until they fail it over
          const served = nodes.filter((n) => !n.running).every((n) => !(views[0] ?? '').includes(`@${n.address}`));
          if (allOk && agreed && served) return;
          last = `ok: ${allOk}, agreed: ${agreed}, no slot on a stopped node: ${served}`;
        } catch (err) {
          last = String(err);
        }
        if (Date.now() > deadline) throw new Error(`the cluster did not become stable within ${timeoutMs} ms (${last})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async idsOnEveryPrimary(prefix, count = 1) {
      const primaries = await cluster.primaries();
      const found: { id: string; primary: ClusterNode; slot: number }[] = [];
      const slotsOf = await Promise.all(primaries.map(async (p) => ({ node: p, ranges: await ownedRanges(p) })));
      while (found.length < primaries.length * count) {
        const id = `${prefix}-${randomBytes(4).toString('hex')}`;
        const slot = await cluster.slotOf(`{${id}}`);
        const owner = slotsOf.find(({ ranges }) => ranges.some(([from, to]) => slot >= from && slot <= to))?.node;
        if (owner === undefined) continue;
        if (found.filter((f) => f.primary === owner).length < count) found.push({ id, primary: owner, slot });
      }
      return found;
    },
    async migrateSlot(slot, to) {
      const started = Date.now();
      const from = await cluster.primaryOf(slot);
      if (from === to) throw new Error(`slot ${slot} is already on ${to.address}`);
      const idOf = async (node: ClusterNode): Promise<string> => String(await node.admin.call('CLUSTER', 'MYID'));
      const [fromId, toId] = await Promise.all([idOf(from), idOf(to)]);
      await to.admin.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId);
      await from.admin.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId);
      let keys = 0;
      for (;;) {
        const batch = (await from.admin.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
        if (batch.length === 0) break;
        await from.admin.call('MIGRATE', '127.0.0.1', to.port, '', 0, 5_000, 'KEYS', ...batch);
        keys += batch.length;
      }
      // The target first, then the source (as redis-cli does), then everyone else learns it.
      await to.admin.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId);
      await from.admin.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId);
      for (const primary of await cluster.primaries()) {
        if (primary !== to && primary !== from) await primary.admin.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId);
      }
      return { ms: Date.now() - started, keys };
    },
    client() {
      const client = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { maxRetriesPerRequest: 1 } });
      client.on('error', () => {
        // the test's own client; failures show up in the commands it awaits
      });
      return client;
    },
    close,
  };
  try {
    await cluster.waitUntilStable();
  } catch (err) {
    await close();
    throw err;
  }
  return cluster;
}

/**
 * How many SPUBLISH and classic PUBLISH commands a node ran so far (calls from scripts included),
 * from INFO commandstats: compare two readings to see where a test's events were published.
 *
 * @example
 * const before = await publishCalls(node); // { spublish: 12, publish: 0 }
 */
export async function publishCalls(node: ClusterNode): Promise<{ spublish: number; publish: number }> {
  const stats = await node.admin.info('commandstats');
  const calls = (name: string): number => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return { spublish: calls('spublish'), publish: calls('publish') };
}

/**
 * PUBSUB SHARDNUMSUB of one shard channel, asked of `node` (the subscribers it has on that node).
 *
 * @example
 * await shardSubscribers(primary, 'lb:{election}:events') // 2
 */
export async function shardSubscribers(node: ClusterNode, channel: string): Promise<number> {
  const reply = (await node.admin.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}
