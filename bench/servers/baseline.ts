/**
 * The baseline: what a developer would write in an afternoon with Express, Socket.IO and the
 * Redis adapter. Readers `subscribe` to join a room; a POST emits the event to the room.
 * Run by the bench as `node --import tsx bench/servers/baseline.ts` with PORT and REDIS_URL.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import * as z from 'zod';
import { portFromEnv, REFERENCE_EPOCH, ReferenceEntryInput, referenceEvent } from './entry-event.js';

const port = portFromEnv();
const redisUrl = z.string().parse(process.env.REDIS_URL);
const pub = new Redis(redisUrl);
const sub = pub.duplicate();
const seqs = new Map<string, number>();

const app = express();
app.use(express.json({ limit: '256kb' }));
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});

const httpServer = createServer(app);
const io = new Server(httpServer, { serveClient: false, adapter: createAdapter(pub, sub) });

app.post('/api/blogs/:blogId/entries', (req, res) => {
  const input = ReferenceEntryInput.safeParse(req.body);
  if (!input.success) {
    res.status(400).json({ error: { code: 'validation_failed', message: input.error.message } });
    return;
  }
  const blogId = req.params.blogId;
  const seq = (seqs.get(blogId) ?? 0) + 1;
  seqs.set(blogId, seq);
  const event = referenceEvent(blogId, seq, input.data);
  io.to(`blog:${blogId}`).emit('update', event);
  res.status(201).json({ entry: event.entry, position: { epoch: REFERENCE_EPOCH, seq } });
});

io.on('connection', (socket) => {
  socket.on('subscribe', (request: { blogId?: unknown }, ack: unknown) => {
    if (typeof ack !== 'function' || typeof request?.blogId !== 'string') return;
    void socket.join(`blog:${request.blogId}`);
    const seq = seqs.get(request.blogId) ?? 0;
    (ack as (a: unknown) => void)({ ok: true, reset: false, position: { epoch: REFERENCE_EPOCH, seq }, events: [] });
  });
});

httpServer.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
