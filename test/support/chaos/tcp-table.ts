import { readFileSync } from 'node:fs';

/** One IPv4 TCP socket as the kernel lists it in /proc/net/tcp. */
export interface TcpSocketInfo {
  /** `ESTABLISHED`, `CLOSE_WAIT`, ... (the kernel's numbered states, named). */
  state: string;
  /** Bytes the kernel holds to send (unsent or unacknowledged). */
  txQueue: number;
  /** Bytes the kernel received that the process has not read. */
  rxQueue: number;
}

const STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/**
 * The kernel's view of the loopback connection from `localPort` to `remotePort`, or undefined when
 * it no longer lists one (a connection reset by the peer is dropped from the table at once). It
 * sees what a process that stopped reading cannot: that the peer closed the connection.
 *
 * @example
 * tcpSocket(slow.localPort, instance.port)?.state; // 'ESTABLISHED' until the server cuts it
 */
export function tcpSocket(localPort: number, remotePort: number): TcpSocketInfo | undefined {
  const local = `0100007F:${localPort.toString(16).toUpperCase().padStart(4, '0')}`;
  const remote = `0100007F:${remotePort.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] !== local || fields[2] !== remote) continue;
    const [tx = '0', rx = '0'] = (fields[4] ?? '').split(':');
    return { state: STATES[fields[3] ?? ''] ?? `state ${fields[3]}`, txQueue: parseInt(tx, 16), rxQueue: parseInt(rx, 16) };
  }
  return undefined;
}
