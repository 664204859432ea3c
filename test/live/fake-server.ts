import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { BlogEvent, ClientEvents, ReaderCount, ServerEvents, SubscribeAck } from '../../shared/index.js';

type FakeSocket = Socket<ClientEvents, ServerEvents>;

/** One `subscribe` the client sent, held until the test answers it. */
export interface HeldRequest {
  request: unknown;
  socket: FakeSocket;
  answer(ack: SubscribeAck): void;
}

/**
 * A scripted Socket.IO server on 127.0.0.1: records every request and answers only
 * what the test tells it to, so event sequences (duplicates, gaps, resets) are exact.
 */
export interface FakeServer {
  url: string;
  /** Every `subscribe` received, in order. */
  readonly requests: readonly HeldRequest[];
  /** Every `unsubscribe` payload received, in order. */
  readonly unsubscribes: readonly unknown[];
  /** The sockets currently connected. */
  readonly sockets: readonly FakeSocket[];
  /** Resolves with request number `index` (0-based) once it has arrived. */
  request(index: number, timeoutMs?: number): Promise<HeldRequest>;
  /** Sends `update`s to every connected socket, in the order given. */
  update(...events: BlogEvent[]): void;
  readers(count: ReaderCount): void;
  /** Disconnects every socket the way a shutting-down instance does (`io server disconnect`). */
  kick(): void;
  /** Drops every connection under the sockets (`transport close`): socket.io reconnects by itself. */
  drop(): void;
  close(): Promise<void>;
}

/**
 * Starts a fake reader endpoint.
 *
 * @example
 * const server = await startFakeServer();
 * const first = await server.request(0);
 * first.answer(log.resetAck());
 */
export async function startFakeServer(): Promise<FakeServer> {
  const httpServer = createServer();
  const io = new Server<ClientEvents, ServerEvents>(httpServer, { serveClient: false });
  const requests: HeldRequest[] = [];
  const unsubscribes: unknown[] = [];
  const sockets = new Set<FakeSocket>();
  const waiters = new Set<() => void>();

  io.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('disconnect', () => sockets.delete(socket));
    socket.on('subscribe', (request, ack) => {
      requests.push({ request, socket, answer: (a) => ack(a) });
      for (const wake of [...waiters]) wake();
    });
    socket.on('unsubscribe', (request) => {
      unsubscribes.push(request);
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unsubscribes,
    get sockets() {
      return [...sockets];
    },
    request(index, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const held = requests[index];
          if (held === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(held);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`subscribe #${index} did not arrive within ${timeoutMs} ms (${requests.length} arrived)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    update(...events) {
      for (const event of events) io.emit('update', event);
    },
    readers(count) {
      io.emit('readers', count);
    },
    kick() {
      io.disconnectSockets(true);
    },
    drop() {
      for (const socket of sockets) socket.conn.close();
    },
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
    },
  };
}

/**
 * Resolves once `predicate()` holds, checking every few milliseconds; rejects after `timeoutMs`.
 *
 * @example
 * await until(() => blog.state?.position.seq === 5, 'reaches seq 5');
 */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets pending socket traffic arrive: for asserting that something did NOT happen. */
export function settle(ms = 150): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
