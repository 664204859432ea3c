import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A WebSocket frame as the server sent it. */
export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client on a bare TCP socket, for what a well-behaved client library cannot do:
 * stop reading its socket, or send frames no client would (unmasked, bad opcodes, lying lengths).
 */
export class RawWebSocket {
  /** Frames received so far, in order (text frames of Engine.IO, pings, the close frame). */
  readonly frames: ServerFrame[] = [];
  /** Bytes read from the socket so far, handshake included. */
  bytesRead = 0;
  /** Set once the server closed the connection or it failed. */
  ended = false;
  private pending = Buffer.alloc(0);
  private waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.bytesRead += chunk.length;
      this.pending = Buffer.concat([this.pending, chunk]);
      this.parse();
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  /**
   * Opens the Engine.IO WebSocket transport of `baseUrl` (`/socket.io/?EIO=4&transport=websocket`)
   * and resolves after the server's 101 answer.
   *
   * @example
   * const ws = await RawWebSocket.open(instance.url);
   * await ws.nextText(); // '0{"sid":...}', Engine.IO's open packet
   */
  static open(baseUrl: string, path = '/socket.io/?EIO=4&transport=websocket'): Promise<RawWebSocket> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
            `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
        );
      });
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!status.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`no WebSocket upgrade: ${status}`));
          return;
        }
        const ws = new RawWebSocket(socket);
        ws.bytesRead = head.length;
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.emit('data', rest);
        resolve(ws);
      };
      socket.on('data', onData);
    });
  }

  /** The local TCP port, to find this connection in /proc/net/tcp. */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** Sends one text frame, masked as RFC 6455 requires of clients. */
  sendText(text: string): void {
    this.socket.write(encodeFrame(0x1, Buffer.from(text, 'utf8')));
  }

  /** Writes bytes as they are: for frames that break the rules. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the next text frame after those already taken; rejects when the connection ends first. */
  async nextText(timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.frames.findIndex((f) => f.opcode === 0x1);
      if (at >= 0) {
        const [frame] = this.frames.splice(at, 1);
        return frame!.payload.toString('utf8');
      }
      if (this.ended) throw new Error('the connection ended');
      if (Date.now() > deadline) throw new Error(`no text frame within ${timeoutMs} ms`);
      await this.changed(deadline - Date.now());
    }
  }

  /** Resolves once the server has closed the connection; rejects after `timeoutMs`. */
  closed(timeoutMs = 5_000): Promise<void> {
    return this.until(() => this.ended, `the server did not close the connection within ${timeoutMs} ms`, timeoutMs);
  }

  /** Resolves once `predicate` holds (checked on every frame and at the end); rejects with `failure` after `timeoutMs`. */
  async until(predicate: () => boolean, failure: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(failure);
      await this.changed(deadline - Date.now());
    }
  }

  /** Stops reading the socket: the kernel's buffers fill, then the server's. */
  stopReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.waiters.add(done);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private parse(): void {
    for (;;) {
      const buf = this.pending;
      if (buf.length < 2) return;
      const opcode = buf[0]! & 0x0f;
      let length = buf[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) return;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) return;
        length = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (buf.length < offset + length) return;
      const payload = buf.subarray(offset, offset + length);
      this.pending = buf.subarray(offset + length);
      // Engine.IO's heartbeat: a reader that reads answers the server's ping, as any client does.
      if (opcode === 0x1 && payload.length === 1 && payload[0] === 0x32) {
        if (!this.ended) this.sendText('3');
        continue;
      }
      this.frames.push({ opcode, payload });
    }
  }
}

/**
 * One client frame: FIN set, masked (unless `masked` is false, which servers must refuse).
 *
 * @example
 * encodeFrame(0x1, Buffer.from('40')); // Socket.IO's CONNECT to "/"
 */
export function encodeFrame(opcode: number, payload: Buffer, masked = true): Buffer {
  const length = payload.length;
  const header: number[] = [0x80 | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65_536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    header.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    header.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([Buffer.from(header), mask, body]);
}

/**
 * A raw reader subscribed to `blogId` over the Socket.IO protocol spoken by hand: Engine.IO open,
 * Socket.IO CONNECT, then `subscribe` with ack id 0, whose answer it waits for.
 *
 * @example
 * const slow = await subscribeRawWebSocket(instance.url, 'storm');
 * slow.stopReading();
 */
export async function subscribeRawWebSocket(baseUrl: string, blogId: string): Promise<RawWebSocket> {
  const ws = await RawWebSocket.open(baseUrl);
  try {
    const open = await ws.nextText();
    if (!open.startsWith('0')) throw new Error(`expected Engine.IO's open packet, got ${open.slice(0, 80)}`);
    ws.sendText('40');
    const connected = await ws.nextText();
    if (!connected.startsWith('40')) throw new Error(`expected Socket.IO's CONNECT answer, got ${connected.slice(0, 80)}`);
    ws.sendText(`420${JSON.stringify(['subscribe', { blogId }])}`);
    // A `readers` count may come first.
    let ack = await ws.nextText();
    while (!ack.startsWith('43')) ack = await ws.nextText();
    if (!ack.startsWith('430') || !ack.includes('"ok":true')) throw new Error(`subscribe was not answered ok: ${ack.slice(0, 200)}`);
    return ws;
  } catch (err) {
    ws.destroy();
    throw err;
  }
}
