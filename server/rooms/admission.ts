import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'socket.io';
import type { Metrics } from '../metrics/index.js';
import type { EngineConnection } from './engine-connection.js';

export interface AdmissionOptions {
  /** Origins whose pages may open reader connections (`READER_ORIGINS`); undefined: any origin. */
  origins?: readonly string[];
  /** The service's public URL: its own pages may always connect. */
  publicUrl?: string;
  /** Open reader connections per client address on this instance (`MAX_CONNECTIONS_PER_IP`); undefined: no cap. */
  maxConnectionsPerAddress?: number;
  /** Take the client address from `X-Forwarded-For` (behind a proxy), as Express' `trust proxy` does. */
  trustProxy?: boolean;
  metrics: Metrics;
}

/** What the Socket.IO server is given, and the hook that counts connections per address. */
export interface ReaderAdmission {
  allowRequest: NonNullable<ServerOptions['allowRequest']>;
  cors: NonNullable<ServerOptions['cors']>;
  /**
   * Counts each opened connection against its address until it closes. Must be called before
   * anything that releases `conn.request` (`releaseHandshakeRequests`): it reads the address there.
   */
  track(engine: { on(event: 'connection', listener: (conn: EngineConnection) => void): unknown }): void;
}

/**
 * The client's address as Express' `req.ip` gives it: the socket's peer, or with `trustProxy`
 * the left-most `X-Forwarded-For` entry (the client as the first proxy saw it).
 *
 * @example
 * clientAddress(req, true); // '203.0.113.7' for "X-Forwarded-For: 203.0.113.7, 10.0.0.2"
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first !== undefined && first !== '') return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Who may open a reader connection: pages from any origin unless `origins` lists them (the
 * service's own pages and clients that send no `Origin`, which are not browsers, always may),
 * and at most `maxConnectionsPerAddress` open connections per client address on this instance.
 * A refused handshake is answered 403 (long-polling) or 400 (WebSocket) by Engine.IO, and
 * counted as a rejected socket event (`origin`, `connection_limit`).
 *
 * @example
 * const admission = readerAdmission({ origins: ['https://news.example'], metrics });
 * const io = new Server(httpServer, { allowRequest: admission.allowRequest, cors: admission.cors });
 * admission.track(io.engine);
 */
export function readerAdmission(options: AdmissionOptions): ReaderAdmission {
  const { metrics, maxConnectionsPerAddress: cap } = options;
  const trustProxy = options.trustProxy ?? false;
  const allowed =
    options.origins === undefined
      ? undefined
      : new Set([...options.origins, ...(options.publicUrl !== undefined ? [new URL(options.publicUrl).origin] : [])]);
  const open = new Map<string, number>();

  const originAllowed = (origin: string, req: IncomingMessage): boolean => {
    if (allowed === undefined || allowed.has(origin)) return true;
    // A page of this service itself, whatever name it was reached by.
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  };

  return {
    allowRequest(req, callback) {
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, req)) {
        metrics.socketRejections.inc('origin');
        callback('this origin may not open reader connections', false);
        return;
      }
      if (cap !== undefined && (open.get(clientAddress(req, trustProxy)) ?? 0) >= cap) {
        metrics.socketRejections.inc('connection_limit');
        callback('too many connections from this address', false);
        return;
      }
      callback(null, true);
    },
    // Long-polling from another origin needs CORS; WebSocket does not, allowRequest covers both.
    cors: { origin: allowed === undefined ? '*' : [...allowed] },
    track(engine) {
      if (cap === undefined) return;
      engine.on('connection', (conn) => {
        const req = conn.request as IncomingMessage | null;
        const address = req !== null ? clientAddress(req, trustProxy) : (conn.remoteAddress ?? 'unknown');
        open.set(address, (open.get(address) ?? 0) + 1);
        conn.on('close', () => {
          const left = (open.get(address) ?? 1) - 1;
          if (left > 0) open.set(address, left);
          else open.delete(address);
        });
      });
    },
  };
}
