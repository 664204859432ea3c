import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPing } from './redis-server.js';
import { restartable, signalGroup, spawnTracked, trackedTempDir } from './processes.js';

/** One data redis-server of a Sentinel deployment (the primary or its replica, which may swap). */
export interface SentinelDataNode {
  port: number;
  /** A plain client of this node alone (ROLE, INFO), reconnecting across kill() / restart(). */
  admin: Redis;
  readonly running: boolean;
  /** SIGKILL. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port, empty (no persistence): as a replica of `replicaOf` when given
   * (what an orchestrator does for a node that lost its primary role), else as its first command line
   * said, and the sentinels turn a returning old primary into a replica themselves (which takes them
   * about 10 s: they wait for its role report to settle).
   */
  restart(replicaOf?: SentinelDataNode): Promise<void>;
}

/** One primary, one replica and three sentinels, all real processes on free ports. */
export interface TestSentinel {
  /** The name the sentinels monitor (REDIS_SENTINEL_NAME). */
  name: string;
  /** `127.0.0.1:<port>,...` of the three sentinels (REDIS_SENTINELS). */
  sentinels: string;
  /** `{ REDIS_SENTINELS, REDIS_SENTINEL_NAME }` for `startInstance({ env })`. */
  env: Record<string, string>;
  nodes: readonly [SentinelDataNode, SentinelDataNode];
  /** A plain client of each sentinel (SENTINEL and INFO commands). */
  sentinelAdmins: readonly Redis[];
  downAfterMs: number;
  /** The node the sentinels name as primary now. */
  primary(): Promise<SentinelDataNode>;
  /** SIGKILLs the current primary and returns it. */
  killPrimary(): Promise<SentinelDataNode>;
  /** Resolves with the new primary once the sentinels name a node other than `old` and it answers ROLE master. */
  waitForPromotion(old: SentinelDataNode, timeoutMs?: number): Promise<SentinelDataNode>;
  /**
   * Resolves once the primary has both nodes' data flowing (a replica online), and every sentinel knows
   * the replica and the two other sentinels: only then can they agree on a failover.
   */
  waitUntilReplicating(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const QUORUM = 2;
const SENTINELS = 3;

/** `INFO replication` as field → value. */
async function replicationInfo(redis: Redis): Promise<Map<string, string>> {
  const text = await redis.info('replication');
  return new Map(text.split('\r\n').flatMap((line) => {
    const at = line.indexOf(':');
    return at > 0 ? [[line.slice(0, at), line.slice(at + 1)] as [string, string]] : [];
  }));
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms${last === undefined ? '' : ` (${String(last)})`}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function admin(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on('error', () => {
    // reconnects by itself across kill() / restart()
  });
  return client;
}

/**
 * Starts a primary, a replica and three sentinels (`redis-server --sentinel` with a generated
 * sentinel.conf each, quorum 2) in a temp dir; every process is stopped by `close()`, and by the
 * process tracker if the test process dies first. `downAfterMs` is the sentinels'
 * down-after-milliseconds: how long the primary may be silent before they fail it over.
 *
 * @example
 * const sentinel = await startRedisSentinel();
 * after(() => sentinel.close());
 * const a = await startInstance({ env: sentinel.env });
 * const old = await sentinel.killPrimary();
 * await sentinel.waitForPromotion(old);
 */
export async function startRedisSentinel(options: { downAfterMs?: number; name?: string } = {}): Promise<TestSentinel> {
  const downAfterMs = options.downAfterMs ?? 1_000;
  const name = options.name ?? 'liveblog';
  const dir = trackedTempDir('liveblog-redis-sentinel-');
  const ports: number[] = [];
  while (ports.length < 2 + SENTINELS) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [primaryPort, replicaPort, ...sentinelPorts] = ports as [number, number, ...number[]];
  const processes = new Set<ChildProcess>();

  const dataNode = (port: number, firstPrimary: number | undefined): SentinelDataNode => {
    let replicaOfNow: number | undefined;
    const server = restartable(() => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--dbfilename', `dump-${port}.rdb`];
      // a replica (re)joining is synced at once rather than after the default 5 s wait for others
      args.push('--repl-diskless-sync-delay', '0');
      if (replicaOfNow !== undefined) args.push('--replicaof', '127.0.0.1', String(replicaOfNow));
      const child = spawnTracked('redis-server', args, { stdio: 'ignore' });
      processes.add(child);
      return child;
    });
    return {
      port,
      admin: admin(port),
      get running() {
        return server.running;
      },
      kill: () => server.kill(),
      async restart(replicaOf) {
        replicaOfNow = replicaOf?.port ?? firstPrimary;
        await waitForPing(`redis://127.0.0.1:${port}`, server.start(), 10_000);
      },
    };
  };
  const nodes = [dataNode(primaryPort, undefined), dataNode(replicaPort, primaryPort)] as const;
  const sentinelClients = sentinelPorts.map(admin);

  const close = async (): Promise<void> => {
    for (const client of [...sentinelClients, ...nodes.map((n) => n.admin)]) client.disconnect();
    await Promise.all([...processes].map((child) => signalGroup(child, 'SIGKILL')));
  };

  const startSentinel = async (port: number): Promise<void> => {
    const conf = join(dir, `sentinel-${port}.conf`);
    // Sentinel rewrites its own file (discovered peers, epochs), so each has one.
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} ${QUORUM}`,
        `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
        `sentinel failover-timeout ${name} ${Math.max(3 * downAfterMs, 2_000)}`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const child = spawnTracked('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
    processes.add(child);
    await waitForPing(`redis://127.0.0.1:${port}`, child, 10_000);
  };

  const nodeAt = (port: number): SentinelDataNode => {
    const node = nodes.find((n) => n.port === port);
    if (node === undefined) throw new Error(`no data node of this deployment on port ${port}`);
    return node;
  };
  const primaryPortSeen = async (): Promise<number> => {
    for (const client of sentinelClients) {
      try {
        const addr = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string] | null;
        if (addr !== null) return Number(addr[1]);
      } catch {
        // ask the next sentinel
      }
    }
    throw new Error('no sentinel answered');
  };

  const sentinel: TestSentinel = {
    name,
    sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
    env: { REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','), REDIS_SENTINEL_NAME: name },
    nodes,
    sentinelAdmins: sentinelClients,
    downAfterMs,
    async primary() {
      return nodeAt(await primaryPortSeen());
    },
    async killPrimary() {
      const primary = await sentinel.primary();
      await primary.kill();
      return primary;
    },
    async waitForPromotion(old, timeoutMs = 20_000) {
      let promoted: SentinelDataNode | undefined;
      await until('the promotion of a new primary', timeoutMs, async () => {
        const port = await primaryPortSeen();
        if (port === old.port) return false;
        const role = (await nodeAt(port).admin.call('ROLE')) as [string, ...unknown[]];
        promoted = nodeAt(port);
        return role[0] === 'master';
      });
      return promoted!;
    },
    async waitUntilReplicating(timeoutMs = 20_000) {
      await until('replication with every sentinel aware of it', timeoutMs, async () => {
        const primary = await sentinel.primary();
        const info = await replicationInfo(primary.admin);
        if (info.get('role') !== 'master' || !(info.get('slave0') ?? '').includes('state=online')) return false;
        for (const client of sentinelClients) {
          const replicas = (await client.call('SENTINEL', 'REPLICAS', name)) as string[][];
          const healthy = replicas.filter((fields) => {
            const flags = fields[fields.indexOf('flags') + 1] ?? '';
            return !/s_down|o_down|disconnected/.test(flags);
          });
          const peers = (await client.call('SENTINEL', 'SENTINELS', name)) as unknown[];
          if (healthy.length < 1 || peers.length < SENTINELS - 1) return false;
        }
        return true;
      });
    },
    close,
  };

  try {
    await nodes[0].restart();
    await nodes[1].restart();
    await Promise.all(sentinelPorts.map(startSentinel));
    await sentinel.waitUntilReplicating();
  } catch (err) {
    await close();
    throw err;
  }
  return sentinel;
}
