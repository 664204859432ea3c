import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { RawWebSocket, encodeFrame } from './raw-websocket.js';

/** One thing no reader sends; `run` resolves with how the instance reacted, and rejects when it did not in time. */
export interface HostileAct {
  name: string;
  run(baseUrl: string, blogId: string): Promise<string>;
}

/** How long the instance has to answer or close. */
const REACT_MS = 5_000;
const FLOOD_REQUESTS = 500;
const UNKNOWN_BLOGS = 100;

/** A refusal of bad input is a 4xx: a 2xx accepted it, a 5xx means it broke something. */
function refused(status: number, what: string): string {
  if (status < 400 || status >= 500) throw new Error(`${what} was answered ${status}, not a 4xx refusal`);
  return `answered ${status}`;
}

/** Writes `bytes` on a bare TCP connection; resolves once the server closed it, with the status it answered (a 4xx or none). */
function rawTcp(baseUrl: string, bytes: Buffer | string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was still open after ${REACT_MS} ms (answered: ${JSON.stringify(answer.slice(0, 80))})`));
    }, REACT_MS);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {
      // a reset is a way of closing too
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (answer === '') {
        resolve('closed');
        return;
      }
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      try {
        resolve(`closed after ${refused(Number(status), 'the request')}`);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.write(bytes);
  });
}

/** A WebSocket past Engine.IO's open packet and, unless `namespace` is false, Socket.IO's CONNECT. */
async function engineSocket(baseUrl: string, namespace = true): Promise<RawWebSocket> {
  const ws = await RawWebSocket.open(baseUrl);
  const open = await ws.nextText();
  if (!open.startsWith('0')) throw new Error(`expected Engine.IO's open packet, got ${open.slice(0, 80)}`);
  if (namespace) {
    ws.sendText('40');
    const connected = await ws.nextText();
    if (!connected.startsWith('40')) throw new Error(`expected the CONNECT answer, got ${connected.slice(0, 80)}`);
  }
  return ws;
}

/**
 * Sends `bytes` on a fresh Engine.IO WebSocket and expects the instance to close the connection: at
 * once, or with a WebSocket Close frame (ws then waits for the client's own Close frame, which a
 * hostile client may never send, before it drops the TCP connection).
 */
function closesOn(name: string, bytes: () => Buffer, namespace = true): HostileAct {
  return {
    name,
    async run(baseUrl) {
      const ws = await engineSocket(baseUrl, namespace);
      ws.sendRaw(bytes());
      const closeFrame = (): boolean => ws.frames.some((f) => f.opcode === 0x8);
      try {
        await ws.until(() => ws.ended || closeFrame(), `the instance neither closed the connection nor sent a Close frame within ${REACT_MS} ms`, REACT_MS);
      } finally {
        ws.destroy();
      }
      return closeFrame() ? 'sent a Close frame' : 'closed';
    },
  };
}

const text = (payload: string): Buffer => encodeFrame(0x1, Buffer.from(payload, 'utf8'));

/** Acks (`43<id>[...]`) received on `ws`, by id. */
function acks(ws: RawWebSocket): Map<number, string> {
  const found = new Map<number, string>();
  for (const frame of ws.frames) {
    const match = /^43(\d+)(\[.*)$/s.exec(frame.payload.toString('utf8'));
    if (match !== null) found.set(Number(match[1]), match[2]!);
  }
  return found;
}

/** Sends `count` subscribes with ack ids 0… and waits until each is answered or the instance closed the connection. */
async function flood(baseUrl: string, count: number, blogIdOf: (i: number) => string): Promise<string> {
  const ws = await engineSocket(baseUrl);
  try {
    for (let i = 0; i < count; i += 1) ws.sendText(`42${i}${JSON.stringify(['subscribe', { blogId: blogIdOf(i) }])}`);
    await ws.until(() => ws.ended || acks(ws).size === count, `only ${acks(ws).size} of ${count} subscribes were answered`, 10_000);
    const answers = [...acks(ws).values()];
    const codes = new Map<string, number>();
    for (const answer of answers) {
      const code = /"code":"([a-z_]+)"/.exec(answer)?.[1] ?? 'ok';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const summary = [...codes].map(([code, n]) => `${n} ${code}`).join(', ');
    return ws.ended ? `closed after ${answers.length} answers (${summary})` : `answered ${summary}`;
  } finally {
    ws.destroy();
  }
}

/**
 * What a hostile client might send a reader endpoint, from the TCP stream up to Socket.IO events:
 * each must be closed or answered by the instance, never crash it or stall its other readers.
 *
 * @example
 * for (const act of HOSTILE_ACTS) console.log(act.name, await act.run(instance.url, 'storm'));
 */
export const HOSTILE_ACTS: readonly HostileAct[] = [
  { name: 'binary garbage instead of HTTP', run: (url) => rawTcp(url, randomBytes(4096)) },
  {
    name: 'a 100 KB request header',
    run: (url) => rawTcp(url, `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`),
  },
  {
    name: 'an unknown Engine.IO version',
    run: async (url) => refused((await fetch(`${url}/socket.io/?EIO=9&transport=polling`)).status, 'the handshake'),
  },
  {
    name: 'long-polling with a forged session id',
    run: async (url) => {
      const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=forged`, { method: 'POST', body: '42["subscribe"]' });
      return refused(res.status, 'the POST');
    },
  },
  {
    name: 'a 1 MB long-polling POST',
    run: async (url) => {
      const open = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
      const sid = /"sid":"([^"]+)"/.exec(open)?.[1];
      if (sid === undefined) throw new Error(`no session: ${open.slice(0, 80)}`);
      const session = `${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
      const res = await fetch(session, { method: 'POST', body: `4${'x'.repeat(1024 * 1024)}` });
      // Engine.IO's close packet, so the session does not wait for its heartbeat to end
      await fetch(session, { method: 'POST', body: '1' });
      return refused(res.status, 'the POST');
    },
  },
  closesOn('an unmasked WebSocket frame', () => encodeFrame(0x1, Buffer.from('40'), false), false),
  closesOn('a reserved WebSocket opcode', () => encodeFrame(0x3, randomBytes(16))),
  closesOn('a frame that claims 2^62 bytes', () => Buffer.concat([Buffer.from([0x81, 0xff]), Buffer.from('4000000000000000', 'hex'), randomBytes(4)])),
  closesOn('a message over the 16 KiB limit', () => text(`42${JSON.stringify(['subscribe', { blogId: 'x'.repeat(100_000) }])}`)),
  closesOn('invalid UTF-8 in a text frame', () => encodeFrame(0x1, Buffer.from([0x34, 0x32, 0xff, 0xfe, 0xfd]))),
  closesOn('a binary frame of garbage', () => encodeFrame(0x2, randomBytes(2048))),
  closesOn('an Engine.IO packet of unknown type', () => text('9{not a packet')),
  closesOn('an event that is not JSON', () => text('42["subscribe",{')),
  closesOn('a binary event whose attachment never comes, then text', () =>
    Buffer.concat([text('451-["subscribe",{"_placeholder":true,"num":0}]'), text('42["subscribe",{}]')]),
  ),
  {
    name: 'a connect to an unknown namespace',
    async run(url) {
      const ws = await engineSocket(url, false);
      try {
        ws.sendText('40/admin,');
        const answer = await ws.nextText(REACT_MS);
        return `answered ${answer.slice(0, 40)}`;
      } finally {
        ws.destroy();
      }
    },
  },
  {
    name: 'unknown events, a subscribe without ack, and one with a null payload',
    async run(url) {
      const ws = await engineSocket(url);
      try {
        ws.sendText('42["no-such-event",{"blogId":"x"}]');
        ws.sendText('42["subscribe",{"blogId":"x"}]');
        ws.sendText('42["unsubscribe","not an object"]');
        ws.sendText('4217["subscribe",null]');
        await ws.until(() => acks(ws).has(17), 'the subscribe with a null payload was not answered', REACT_MS);
        return `answered ${acks(ws).get(17)!.slice(0, 60)}`;
      } finally {
        ws.destroy();
      }
    },
  },
  { name: `a flood of ${FLOOD_REQUESTS} subscribes`, run: (url, blogId) => flood(url, FLOOD_REQUESTS, () => blogId) },
  { name: `subscribes to ${UNKNOWN_BLOGS} unknown blogs`, run: (url) => flood(url, UNKNOWN_BLOGS, (i) => `no-such-blog-${i}`) },
];
