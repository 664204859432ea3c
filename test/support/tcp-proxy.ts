import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP relay in front of a server, whose readers a test can make stop reading. */
export interface TcpProxy {
  url: string;
  /**
   * The connections open now stop taking what the server sends, as a phone in a tunnel
   * or a frozen tab does: the server's writes pile up in its kernel, then in its own buffers.
   */
  stall(): void;
  /** Stalled connections take data again (and learn then whether the server has cut them). */
  resume(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  stalled: boolean;
}

/**
 * Starts a relay on 127.0.0.1 to `127.0.0.1:targetPort`; each connection to it opens one to
 * the target, and the two close together.
 *
 * @example
 * const proxy = await startTcpProxy(server.port);
 * const reader = await openReader(proxy.url, 'storm');
 * proxy.stall();
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream, stalled: false };
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stall() {
      for (const pair of pairs) {
        if (pair.stalled) continue;
        pair.stalled = true;
        // unpiped first: the pipe would resume the stream on the client's next 'drain'
        pair.upstream.unpipe(pair.client);
        pair.upstream.pause();
      }
    },
    resume() {
      for (const pair of pairs) {
        if (!pair.stalled) continue;
        pair.stalled = false;
        pair.upstream.pipe(pair.client);
        pair.upstream.resume();
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
