/**
 * The load generator's WebSocket client: just what a reader needs (RFC 6455 text frames from
 * the server, small masked text frames to it) over a bare TCP socket. `ws`'s client goes
 * through Node's HTTP client for the upgrade and costs about as much CPU per connection as the
 * server under test spends on it; in a reconnect storm the generator, not the server, would
 * set the pace.
 */
import { connect, type Socket } from 'node:net';

/** Any fixed key will do: the server's answer is not checked (`Sec-WebSocket-Accept`). */
const KEY = 'bGl2ZWJsb2ctYmVuY2gtLQ==';
const HEADER_END = Buffer.from('\r\n\r\n');
const SWITCHING = Buffer.from('HTTP/1.1 101');
const OPCODE_TEXT = 0x1;
const OPCODE_CONTINUATION = 0x0;
const OPCODE_CLOSE = 0x8;

export interface RawWebSocketHandlers {
  open(): void;
  /** One whole text message (fragments joined). */
  message(data: Buffer): void;
  /** Once, however the connection ended (refused, closed, reset, or by `close()`). */
  close(): void;
}

/**
 * A client frame: masked, as RFC 6455 requires, with an all-zero key so the payload goes as is.
 *
 * @example
 * clientTextFrame('40'); // <Buffer 81 82 00 00 00 00 34 30>
 */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const headerLength = (length < 126 ? 2 : length < 65_536 ? 4 : 10) + 4;
  const frame = Buffer.alloc(headerLength + length);
  frame[0] = 0x80 | OPCODE_TEXT;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  // the four mask bytes stay 0
  payload.copy(frame, headerLength);
  return frame;
}

/**
 * One reader connection: `ws://host:port/path` opened at once.
 *
 * @example
 * const socket = new RawWebSocket('127.0.0.1', 4100, '/socket.io/?EIO=4&transport=websocket', { open, message, close });
 * socket.send('40');
 */
export class RawWebSocket {
  private readonly tcp: Socket;
  private upgraded = false;
  private closed = false;
  private pending: Buffer | undefined;
  private fragments: Buffer[] = [];

  constructor(
    host: string,
    port: number,
    path: string,
    private readonly handlers: RawWebSocketHandlers,
  ) {
    this.tcp = connect({ host, port, noDelay: true });
    this.tcp.on('error', () => {
      // 'close' follows
    });
    this.tcp.on('close', () => this.end());
    this.tcp.on('data', (chunk: Buffer) => this.receive(chunk));
    this.tcp.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  }

  /** True from the server's 101 answer until the connection ends. */
  get isOpen(): boolean {
    return this.upgraded && !this.closed;
  }

  send(frame: Buffer): void {
    if (this.isOpen) this.tcp.write(frame);
  }

  /** Ends the connection at once (no closing handshake: the load generator has nothing to wait for). */
  close(): void {
    this.tcp.destroy();
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close();
  }

  private receive(chunk: Buffer): void {
    let data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    if (!this.upgraded) {
      const end = data.indexOf(HEADER_END);
      if (end < 0) {
        this.pending = data;
        return;
      }
      if (data.compare(SWITCHING, 0, SWITCHING.length, 0, SWITCHING.length) !== 0) {
        this.close();
        return;
      }
      this.upgraded = true;
      this.handlers.open();
      data = data.subarray(end + HEADER_END.length);
    }
    let at = 0;
    while (!this.closed && data.length - at >= 2) {
      const fin = (data[at]! & 0x80) !== 0;
      const opcode = data[at]! & 0x0f;
      let length = data[at + 1]! & 0x7f;
      let offset = at + 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        offset = at + 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        offset = at + 10;
      }
      if (data.length - offset < length) break;
      const payload = data.subarray(offset, offset + length);
      at = offset + length;
      if (opcode === OPCODE_CLOSE) {
        this.close();
        return;
      }
      if (opcode !== OPCODE_TEXT && opcode !== OPCODE_CONTINUATION) continue;
      if (!fin) {
        this.fragments.push(payload);
        continue;
      }
      const message = this.fragments.length === 0 ? payload : Buffer.concat([...this.fragments, payload]);
      this.fragments = [];
      this.handlers.message(message);
    }
    if (at < data.length) this.pending = data.subarray(at);
  }
}
