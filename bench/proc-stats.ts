import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Redis } from 'ioredis';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/**
 * Resident memory of a process in KiB (`VmRSS` of /proc/<pid>/status).
 *
 * @example
 * const before = rssKiB(server.pid);
 */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/**
 * Open sockets of a process (its /proc/<pid>/fd entries that are sockets): for a server, about
 * one per reader.
 *
 * @example
 * const held = socketCount(worker.pid);
 */
export function socketCount(pid: number): number {
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets += 1;
    } catch {
      // closed meanwhile
    }
  }
  return sockets;
}

/**
 * CPU time (user + system) a process has used, in microseconds (from /proc/<pid>/stat, so at
 * clock-tick resolution: 10 ms at 100 Hz).
 *
 * @example
 * const cpu0 = cpuMicros(pid); ...; const spent = cpuMicros(pid) - cpu0;
 */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may hold spaces and parentheses: fields are counted after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / clockTicks();
}

/**
 * The kernel's count of connections dropped because a listening socket's accept queue was full
 * (`ListenOverflows` of /proc/net/netstat): readers whose SYN was dropped retry it after TCP's
 * 1 s, then 3 s. Counts for every socket of the machine's network namespace.
 *
 * @example
 * const before = listenOverflows(); ...; const dropped = listenOverflows() - before;
 */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.split(' ');
    if (names[0] !== 'TcpExt:') continue;
    const at = names.indexOf('ListenOverflows');
    return at < 0 ? 0 : Number(lines[i + 1]!.split(' ')[at]) || 0;
  }
  return 0;
}

/** CPU time Redis has used (INFO cpu: used_cpu_user + used_cpu_sys), in microseconds. */
export async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1_000_000;
}

/** The Redis server's pid, so it can be pinned with the servers under test. */
export async function redisPid(redis: Redis): Promise<number> {
  const info = await redis.info('server');
  return Number(/^process_id:(\d+)/m.exec(info)?.[1] ?? 0);
}

/** Pins every thread of a running process to `cpus` (e.g. `0`). */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' });
}

/** `nproc`, CPU model, memory, node version: the machine line of the report. */
export function machine(): { nproc: number; cpuModel: string; memoryGiB: number; node: string; kernel: string } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  return {
    nproc: Number(execFileSync('nproc', ['--all'], { encoding: 'utf8' }).trim()),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round((Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0) / 1024 / 1024) * 10) / 10,
    node: process.version,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
  };
}
