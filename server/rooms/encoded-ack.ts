import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { textFrameStart } from './ws-frame.js';

/**
 * An ack argument that is already JSON: readers at the same position get the same answer, so it
 * is serialised once and this one string is sent to each of them (see `catch-up-answers.ts`).
 * Socket.IO passes it to the server's encoder as is, which writes `json` without looking inside;
 * `sendEncodedAck` also hands Engine.IO the WebSocket frame, made from bytes encoded once.
 *
 * @example
 * const answer = new EncodedAck(JSON.stringify({ ok: true, reset: false, position, events }));
 * ack(answer); // the reader receives exactly what ack({ ok: true, ... }) would have sent
 */
export class EncodedAck {
  /** UTF-8 of `json` and the `]` that closes the ack's arguments: what WebSocket readers get of it. */
  private readonly closingBytes: Buffer;

  constructor(readonly json: string) {
    this.closingBytes = Buffer.from(`${json}]`);
  }

  /** Memory this answer holds at most: its text (two bytes a character at most) and its bytes. */
  get size(): number {
    return this.json.length * 2 + this.closingBytes.length;
  }

  /**
   * The WebSocket frame of this answer as the ack `id` of namespace `nsp`, in the two parts ws
   * writes a pre-encoded frame in: the frame header with what comes before the JSON (a few
   * bytes of this reader's own), and the JSON's bytes, the same buffer for every reader.
   */
  frame(nsp: string, id: number): [Buffer, Buffer] {
    // "4" is Engine.IO's message packet type.
    return [textFrameStart(`4${ackOpening(nsp, id)}`, this.closingBytes.length), this.closingBytes];
  }

  /**
   * What a JSON encoder that does not know this class sees: the value itself. Should a Socket.IO
   * upgrade stop handing acks to `AckPassingEncoder`, readers still get the same bytes, built
   * per reader again (slower, never wrong); the parser test watches for that.
   */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** `3<nsp,><id>[`: an ack packet up to its arguments (a namespace other than `/` comes before the id). */
function ackOpening(nsp: string | undefined, id: number | undefined): string {
  return `${PacketType.ACK}${nsp !== undefined && nsp !== '/' ? `${nsp},` : ''}${id ?? ''}[`;
}

/**
 * Socket.IO's packet encoder, except for an ack whose only argument is an `EncodedAck`: that one
 * is written as `3<id>[<json>]`, the string Socket.IO's own encoder makes of `[value]`, without
 * walking the value for binary parts or serialising it again.
 *
 * @example
 * new AckPassingEncoder().encode({ type: PacketType.ACK, nsp: '/', id: 7, data: [new EncodedAck('{"ok":true}')] });
 * // ['37[{"ok":true}]']
 */
export class AckPassingEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    const data: unknown = packet.data;
    if (packet.type === PacketType.ACK && Array.isArray(data) && data.length === 1 && data[0] instanceof EncodedAck) {
      return [`${ackOpening(packet.nsp, packet.id)}${data[0].json}]`];
    }
    return super.encode(packet);
  }
}

/** The ack id of each event decoded with an object as its first argument, by that object. */
const ackIds = new WeakMap<object, number>();

/**
 * Socket.IO's packet decoder, remembering the ack id of each event whose first argument is an
 * object (a subscribe request), so that its answer can be sent as a pre-encoded frame.
 *
 * @example
 * new Server(httpServer, { parser: { Encoder: AckPassingEncoder, Decoder: AckIdDecoder } });
 */
export class AckIdDecoder extends Decoder {
  constructor(...options: ConstructorParameters<typeof Decoder>) {
    super(...options);
    // Listening before Socket.IO does (it subscribes after making the decoder): the id is
    // known by the time the event's handler runs.
    this.on('decoded', (packet: Packet) => {
      const data: unknown = packet.data;
      if (packet.type !== PacketType.EVENT || packet.id === undefined || !Array.isArray(data)) return;
      const first: unknown = data[1];
      if (typeof first === 'object' && first !== null) ackIds.set(first, packet.id);
    });
  }
}

/**
 * The ack id a request arrived with, when the readers' decoder saw it.
 *
 * @example
 * const id = ackIdOf(raw); // 1 for `421["subscribe",{…}]`
 */
export function ackIdOf(request: unknown): number | undefined {
  return typeof request === 'object' && request !== null ? ackIds.get(request) : undefined;
}

/** The parts of a Socket.IO socket an ack is written through (socket.io 4.8 names them so). */
export interface AckTarget {
  nsp: { name: string };
  client: { _packet(packet: Packet, opts: { compress: boolean; wsPreEncodedFrame: Buffer[] }): void };
}

/**
 * Sends an answer as the ack `id`, with its WebSocket frame made ready: Engine.IO writes that
 * frame to a WebSocket reader (`wsPreEncodedFrame`, the option Socket.IO's own broadcasts use),
 * so the answer's bytes are encoded once for all readers instead of once each. A long-polling
 * reader, or a change in Engine.IO, gets the encoder's text instead: the same bytes.
 *
 * @example
 * sendEncodedAck(socket, ackIdOf(raw)!, answer.ack);
 */
export function sendEncodedAck(socket: AckTarget, id: number, answer: EncodedAck): void {
  const nsp = socket.nsp.name;
  socket.client._packet({ type: PacketType.ACK, nsp, id, data: [answer] }, { compress: true, wsPreEncodedFrame: answer.frame(nsp, id) });
}

/**
 * The readers' Socket.IO parser (the server's documented `parser` option): Socket.IO's own, with
 * the encoder and decoder above. Clients need nothing else: what goes over the wire is unchanged.
 *
 * @example
 * const io = new Server(httpServer, { parser: readerParser });
 */
export const readerParser = { Encoder: AckPassingEncoder, Decoder: AckIdDecoder } as const;
