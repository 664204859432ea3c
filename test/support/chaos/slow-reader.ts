import { setTimeout as sleep } from 'node:timers/promises';
import type { RawWebSocket } from './raw-websocket.js';
import type { ServiceProcess } from './service-process.js';
import { tcpSocket } from './tcp-table.js';

/** What was seen of a reader that stopped reading, up to its cut (or the deadline). */
export interface SlowReaderWatch {
  /** ms from `stopReading()` until the instance first held bytes for it that the kernel would not take. */
  stalledAfterMs: number | undefined;
  /** ms from `stopReading()` to the first look that found the instance's end closed; undefined if it never was. */
  cutAfterMs: number | undefined;
  /** Bytes broadcast to the blog since the reader stopped, as a reading reader counted them, at the last look before the cut. */
  broadcastBytes: number;
  /** Bytes the kernel held for it at that look: the instance's send queue plus the reader's receive queue. */
  kernelBytes: number;
  /** What the instance itself must have held for it at that look: broadcast minus what the kernel took. */
  heldBytes: number;
  /**
   * The reader's end of the connection right after the cut: gone when the instance reset it;
   * `ESTABLISHED` when it closed it normally, its FIN queued behind the data the reader never read.
   */
  readerSideAtCut: string | undefined;
}

/**
 * More than a frame (a 20,000-character entry of three-byte characters is about 125 KB on the
 * wire) that the kernel did not take: the instance holds it, its writes to the slow reader stalled.
 */
const STALL_EVIDENCE_BYTES = 128 * 1024;
/** A reader whose writes never stall (the publisher too slow to fill the kernel) is watched this long. */
const WATCH_MAX_MS = 60_000;

/**
 * Stops `slow` reading, then calls `stopped` (to start publishing: every byte broadcast from here on
 * is one the slow reader does not take), and watches its connection in the kernel's TCP table until
 * the instance closes its end (its socket leaves ESTABLISHED), or `giveUpAfterStallMs` after the
 * writes stalled. `counter` is a reader of the same blog on the same instance that keeps reading:
 * its byte count is what was broadcast. `look` is told what each look saw, e.g. to stop publishing
 * once the instance would hold far more than its limit.
 *
 * @example
 * const watch = await watchSlowReader(slow, counter, instance, 12_000, {
 *   stopped: () => heavy.start(),
 *   look: (seen) => seen.heldBytes > 4e6 && void heavy.stop(),
 * });
 */
export async function watchSlowReader(
  slow: RawWebSocket,
  counter: RawWebSocket,
  instance: ServiceProcess,
  giveUpAfterStallMs: number,
  on: { stopped: () => void; look: (seen: Readonly<SlowReaderWatch>) => void },
): Promise<SlowReaderWatch> {
  const port = slow.localPort;
  if (tcpSocket(instance.port, port)?.state !== 'ESTABLISHED') {
    throw new Error(`the connection 127.0.0.1:${port} → :${instance.port} is not in /proc/net/tcp: cannot watch it`);
  }
  slow.stopReading();
  const startBytes = counter.bytesRead;
  const stoppedAt = Date.now();
  on.stopped();
  const seen: SlowReaderWatch = {
    stalledAfterMs: undefined,
    cutAfterMs: undefined,
    broadcastBytes: 0,
    kernelBytes: 0,
    heldBytes: 0,
    readerSideAtCut: undefined,
  };
  const watching = (): boolean => {
    const elapsed = Date.now() - stoppedAt;
    return seen.stalledAfterMs === undefined ? elapsed < WATCH_MAX_MS : elapsed < seen.stalledAfterMs + giveUpAfterStallMs;
  };
  while (watching()) {
    const theirs = tcpSocket(instance.port, port);
    const mine = tcpSocket(port, instance.port);
    if (theirs === undefined || theirs.state !== 'ESTABLISHED') {
      seen.cutAfterMs = Date.now() - stoppedAt;
      seen.readerSideAtCut = mine?.state ?? 'gone';
      return seen;
    }
    seen.broadcastBytes = counter.bytesRead - startBytes;
    seen.kernelBytes = (mine?.rxQueue ?? 0) + theirs.txQueue;
    seen.heldBytes = Math.max(0, seen.broadcastBytes - seen.kernelBytes);
    if (seen.stalledAfterMs === undefined && seen.heldBytes > STALL_EVIDENCE_BYTES) seen.stalledAfterMs = Date.now() - stoppedAt;
    on.look(seen);
    await sleep(50);
  }
  return seen;
}
