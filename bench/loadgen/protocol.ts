/**
 * Engine.IO v4 / Socket.IO v5 packets, spoken by hand: socket.io-client would cost the load
 * generator more CPU than the server under test spends. Only what a reader needs is here.
 */

const UPDATE_PREFIX = Buffer.from('42["update",');
const SEQ_KEY = Buffer.from('"seq":');

/** One incoming text frame, classified without parsing JSON (updates are the hot path). */
export type Packet =
  | { kind: 'open' }
  | { kind: 'ping' }
  | { kind: 'connected' }
  | { kind: 'update'; seq: number }
  | { kind: 'ack'; id: number; data: Buffer; at: number }
  | { kind: 'ignored' };

/** A Socket.IO server's default path, for a WebSocket straight away. */
export const SOCKET_IO_PATH = '/socket.io/?EIO=4&transport=websocket';

/** `42<id>["subscribe",request]`: a subscribe with an ack id. */
export function subscribePacket(id: number, request: { blogId: string; epoch?: string; after?: number }): string {
  return `42${id}${JSON.stringify(['subscribe', request])}`;
}

/** The pong an Engine.IO client owes every ping, and the namespace connect. */
export const PONG = '3';
export const CONNECT_NAMESPACE = '40';

/** Reads the digits after the first `"seq":`, or -1 when there is none. */
export function readSeq(data: Buffer, from: number): number {
  const at = data.indexOf(SEQ_KEY, from);
  if (at < 0) return -1;
  let seq = 0;
  let i = at + SEQ_KEY.length;
  let digits = 0;
  for (; i < data.length; i += 1) {
    const c = data[i]!;
    if (c < 48 || c > 57) break;
    seq = seq * 10 + (c - 48);
    digits += 1;
  }
  return digits > 0 ? seq : -1;
}

const OK_ACK = Buffer.from('[{"ok":true,');

/**
 * The seqs a successful subscribe ack holds, read without parsing its JSON (a load generator
 * taking 10,000 catch-up answers of 20 KB back would spend its CPU there): the first `"seq":`
 * is the position's (`position` comes before `events`), each further one an event's (entries,
 * blogs and snapshots have no `seq`, and a `"seq":` inside a string would be escaped). Null
 * for anything but `[{"ok":true,…`.
 *
 * @example
 * ackSeqs(Buffer.from('[{"ok":true,"reset":false,"position":{"epoch":"e","seq":9},"events":[{"seq":9}]}]'), 0)
 * // { position: 9, events: [9] }
 */
export function ackSeqs(data: Buffer, at: number): { position: number; events: number[] } | null {
  if (data.compare(OK_ACK, 0, OK_ACK.length, at, at + OK_ACK.length) !== 0) return null;
  const seqs: number[] = [];
  for (let from = at; ; ) {
    const next = data.indexOf(SEQ_KEY, from);
    if (next < 0) break;
    const seq = readSeq(data, next);
    if (seq < 0) return null;
    seqs.push(seq);
    from = next + SEQ_KEY.length;
  }
  const [position, ...events] = seqs;
  return position === undefined ? null : { position, events };
}

/**
 * Classifies one text frame of a Socket.IO server (or of the limit server, which sends the
 * same `42["update",…]` text).
 *
 * @example
 * classify(Buffer.from('42["update",{"seq":7}]')) // { kind: 'update', seq: 7 }
 */
export function classify(data: Buffer): Packet {
  if (data.length === 0) return { kind: 'ignored' };
  const first = data[0]!;
  if (first === 0x32 /* '2' */ && data.length === 1) return { kind: 'ping' };
  if (first === 0x30 /* '0' */) return { kind: 'open' };
  if (first !== 0x34 /* '4' */ || data.length < 2) return { kind: 'ignored' };
  const second = data[1]!;
  if (second === 0x30 /* '0' */) return { kind: 'connected' };
  if (second === 0x32 /* '2' */) {
    if (data.compare(UPDATE_PREFIX, 0, UPDATE_PREFIX.length, 0, UPDATE_PREFIX.length) !== 0) return { kind: 'ignored' };
    const seq = readSeq(data, UPDATE_PREFIX.length);
    return seq >= 0 ? { kind: 'update', seq } : { kind: 'ignored' };
  }
  if (second === 0x33 /* '3' */) {
    let id = 0;
    let i = 2;
    for (; i < data.length; i += 1) {
      const c = data[i]!;
      if (c < 48 || c > 57) break;
      id = id * 10 + (c - 48);
    }
    // the ack's arguments array, `[ack]`, starts at `at`
    return { kind: 'ack', id, data, at: i };
  }
  return { kind: 'ignored' };
}
