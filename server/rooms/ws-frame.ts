/**
 * The header of an unmasked, final WebSocket text frame (RFC 6455 §5.2) whose payload is
 * `length` bytes: 2, 4 or 10 bytes.
 *
 * @example
 * textFrameHeader(2); // <Buffer 81 02>
 */
export function textFrameHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(length < 126 ? 2 : length < 65_536 ? 4 : 10);
  writeTextFrameHeader(header, length);
  return header;
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
 * An unmasked, final WebSocket text frame (RFC 6455 §5.2). Server frames are never masked,
 * so one buffer can be written to every reader of a room.
 *
 * @example
 * textFrame(Buffer.from('hi')); // <Buffer 81 02 68 69>
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  // One buffer, header and payload together: one write per reader instead of a corked pair.
  const frame = Buffer.allocUnsafe(headerLength + length);
  writeTextFrameHeader(frame, length);
  payload.copy(frame, headerLength);
  return frame;
}
