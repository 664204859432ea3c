import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/**
 * An ack argument that is already JSON: readers at the same position get the same answer, so it
 * is serialised once and this one string is sent to each of them (see `catch-up-answers.ts`).
 * Socket.IO passes it to the server's encoder as is, which writes `json` without looking inside.
 *
 * @example
 * const answer = new EncodedAck(JSON.stringify({ ok: true, reset: false, position, events }));
 * ack(answer); // the reader receives exactly what ack({ ok: true, ... }) would have sent
 */
export class EncodedAck {
  constructor(readonly json: string) {}

  /**
   * What a JSON encoder that does not know this class sees: the value itself. Should a Socket.IO
   * upgrade stop handing acks to `AckPassingEncoder`, readers still get the same bytes, built
   * per reader again (slower, never wrong); the parser test watches for that.
   */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/**
 * Socket.IO's packet encoder, except for an ack whose only argument is an `EncodedAck`: that one
 * is written as `3<id>[<json>]` (`3` is the ack packet type; a namespace other than `/` comes
 * before the id as `<nsp>,`), the string Socket.IO's own encoder makes of `[value]`, without
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
      const nsp = packet.nsp !== undefined && packet.nsp !== '/' ? `${packet.nsp},` : '';
      return [`${PacketType.ACK}${nsp}${packet.id ?? ''}[${data[0].json}]`];
    }
    return super.encode(packet);
  }
}

/**
 * The readers' Socket.IO parser (the server's documented `parser` option): Socket.IO's own, with
 * the encoder above. Clients need nothing else: what goes over the wire is unchanged.
 *
 * @example
 * const io = new Server(httpServer, { parser: readerParser });
 */
export const readerParser = { Encoder: AckPassingEncoder, Decoder } as const;
