/**
 * The limit: a raw `ws` server (bufferutil loaded by ws) that builds one WebSocket frame per
 * event and writes that same buffer to every reader's TCP socket: the practical ceiling for
 * fan-out in Node. The frame carries the exact text Socket.IO would send (`42["update",…]`).
 * Readers connect to `/?blogId=…` and get `ok <seq>`. Run with PORT.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { textFrame } from '../../server/rooms/ws-frame.js';
import { portFromEnv, REFERENCE_EPOCH, ReferenceEntryInput, referenceEvent } from './entry-event.js';

const port = portFromEnv();
const rooms = new Map<string, Set<Duplex>>();
const seqs = new Map<string, number>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const httpServer = createServer((req, res) => {
  const match = /^\/api\/blogs\/([a-z0-9-]+)\/entries$/.exec(req.url ?? '');
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (req.method !== 'POST' || !match) {
    res.writeHead(404).end();
    return;
  }
  const blogId = match[1]!;
  void readBody(req).then((text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const input = ReferenceEntryInput.safeParse(json);
    if (!input.success) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"validation_failed"}}');
      return;
    }
    const seq = (seqs.get(blogId) ?? 0) + 1;
    seqs.set(blogId, seq);
    const event = referenceEvent(blogId, seq, input.data);
    const frame = textFrame(Buffer.from(`42${JSON.stringify(['update', event])}`));
    for (const socket of rooms.get(blogId) ?? []) socket.write(frame);
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ entry: event.entry, position: { epoch: REFERENCE_EPOCH, seq } }));
  });
});

const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws, req) => {
  const blogId = new URL(req.url ?? '/', 'http://x').searchParams.get('blogId') ?? '';
  // the upgrade's TCP socket: frames are written to it directly, past ws's per-socket sender
  const socket = req.socket;
  let room = rooms.get(blogId);
  if (!room) rooms.set(blogId, (room = new Set()));
  room.add(socket);
  ws.on('close', () => room.delete(socket));
  ws.on('error', () => room.delete(socket));
  ws.send(`ok ${seqs.get(blogId) ?? 0}`);
});

httpServer.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
