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
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}
