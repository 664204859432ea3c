/** How long the header of a text frame with `length` payload bytes is: 2, 4 or 10 bytes. */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

function writeTextFrameHeader(target: Buffer, length: number): void {
  target[0] = 0x81;
  if (length < 126) {
    target[1] = length;
  } else if (length < 65_536) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = 127;
    target.writeBigUInt64BE(BigInt(length), 2);
  }
}

/**
 * The start of an unmasked, final WebSocket text frame (RFC 6455 §5.2) whose payload is
 * `opening` followed by `restLength` more bytes: the header and `opening`, in one buffer.
 *
 * @example
 * textFrameStart('4', 1); // <Buffer 81 02 34>: a frame of "4" and one byte more
 */
export function textFrameStart(opening: string, restLength: number): Buffer {
  const openingLength = Buffer.byteLength(opening);
  const length = openingLength + restLength;
  const header = headerLength(length);
  const start = Buffer.allocUnsafe(header + openingLength);
  writeTextFrameHeader(start, length);
  start.write(opening, header);
  return start;
}

/**
 * An unmasked, final WebSocket text frame (RFC 6455 §5.2). Server frames are never masked,
 * so one buffer can be written to every reader of a room.
 *
 * @example
 * textFrame(Buffer.from('hi')); // <Buffer 81 02 68 69>
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = headerLength(length);
  // One buffer, header and payload together: one write per reader instead of a corked pair.
  const frame = Buffer.allocUnsafe(header + length);
  writeTextFrameHeader(frame, length);
  payload.copy(frame, header);
  return frame;
}
