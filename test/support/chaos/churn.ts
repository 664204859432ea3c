import { connect } from '../../../client/live/index.js';
import { RawWebSocket, subscribeRawWebSocket } from './raw-websocket.js';

/** How each cycle ends, in turn: cleanly, or the way phones and crashed tabs go. */
const ENDINGS = ['library-close', 'reset-after-subscribe', 'reset-mid-subscribe', 'reset-before-connect'] as const;
export type ChurnEnding = (typeof ENDINGS)[number];

/** How long one cycle may take before the churn fails. */
const CYCLE_MS = 10_000;

async function libraryCycle(url: string, blogId: string): Promise<void> {
  const client = connect({ url, environment: {} });
  try {
    const blog = client.subscribe(blogId);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a churn reader of ${url} was not live within ${CYCLE_MS} ms`)), CYCLE_MS);
      const check = (): void => {
        if (client.connection === 'live' && blog.state !== undefined) {
          clearTimeout(timer);
          resolve();
        }
      };
      client.onConnection(check);
      blog.onChange(check);
      check();
    });
  } finally {
    client.close();
  }
}

async function cycle(url: string, blogId: string, ending: ChurnEnding): Promise<void> {
  switch (ending) {
    case 'library-close':
      return libraryCycle(url, blogId);
    case 'reset-after-subscribe': {
      const ws = await subscribeRawWebSocket(url, blogId);
      ws.socket.resetAndDestroy();
      return;
    }
    case 'reset-mid-subscribe': {
      const ws = await RawWebSocket.open(url);
      await ws.nextText();
      ws.sendText('40');
      await ws.nextText();
      ws.sendText(`420${JSON.stringify(['subscribe', { blogId }])}`);
      ws.socket.resetAndDestroy();
      return;
    }
    case 'reset-before-connect': {
      const ws = await RawWebSocket.open(url);
      ws.socket.resetAndDestroy();
      return;
    }
    default:
      return ending satisfies never;
  }
}

/**
 * Runs `cycles` connect / subscribe / disconnect cycles against `urls` in turn, `parallel` at a
 * time; cycle i ends the i-th way of: the client library closing, or a TCP reset after the
 * subscribe answer, while the subscribe is in flight, or before Socket.IO's CONNECT.
 *
 * @example
 * await churn([a.url, b.url], 'storm', 400, 20);
 */
export async function churn(urls: readonly string[], blogId: string, cycles: number, parallel: number): Promise<Record<ChurnEnding, number>> {
  const done: Record<ChurnEnding, number> = { 'library-close': 0, 'reset-after-subscribe': 0, 'reset-mid-subscribe': 0, 'reset-before-connect': 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cycles) {
      const i = next;
      next += 1;
      const ending = ENDINGS[i % ENDINGS.length]!;
      // Every way of ending reaches every instance.
      await cycle(urls[Math.floor(i / ENDINGS.length) % urls.length]!, blogId, ending);
      done[ending] += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return done;
}
