import { Agent, request } from 'node:http';
import * as z from 'zod';

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

const PositionAnswer = z.object({ position: z.object({ epoch: z.string(), seq: z.number().int() }) });

/** One POSTed entry: when the request left (hrtime ns as a number) and the seq it was given. */
export interface Published {
  index: number;
  seq: number;
  sentAt: number;
  answeredAt: number;
}

function post(url: string, token: string, body: unknown, key?: string): Promise<{ status: number; json: unknown }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          authorization: `Bearer ${token}`,
          ...(key !== undefined ? { 'idempotency-key': key } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** About 500 bytes of Markdown, different for every entry. */
export function entryBody(index: number): string {
  const sentence =
    'Officials confirmed the **evacuation order** for the coastal districts as the storm front moved inland, ' +
    'with rail services suspended and [shelters open](https://example.com/shelters) in every school gym. ';
  return `Update ${index}: ${sentence}${sentence}${'Crews report steady progress. '.repeat(3)}`.slice(0, 500);
}

/**
 * Creates the bench blog on the service (the reference servers need no setup).
 *
 * @example
 * await createBlog(service.url, adminToken, 'bench-1');
 */
export async function createBlog(baseUrl: string, token: string, blogId: string): Promise<void> {
  const res = await post(`${baseUrl}/api/blogs`, token, { id: blogId, title: `Bench ${blogId}` });
  if (res.status !== 201) throw new Error(`creating the bench blog failed: ${res.status} ${JSON.stringify(res.json)}`);
}

/**
 * POSTs entry `index` and times it on the monotonic clock the load generators share.
 * Retries (same idempotency key) while the server is unreachable, e.g. during the storm.
 *
 * @example
 * const { seq, sentAt } = await publishEntry(url, token, blogId, 3);
 */
export async function publishEntry(baseUrl: string, token: string, blogId: string, index: number): Promise<Published> {
  const url = `${baseUrl}/api/blogs/${blogId}/entries`;
  const body = { title: `Entry ${index}`, body: entryBody(index) };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sentAt = Number(process.hrtime.bigint());
    try {
      const res = await post(url, token, body, `bench-${blogId}-${index}`);
      const answeredAt = Number(process.hrtime.bigint());
      if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
      return { index, seq: PositionAnswer.parse(res.json).position.seq, sentAt, answeredAt };
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Lets the process exit: the keep-alive sockets are closed. */
export function closePublisher(): void {
  agent.destroy();
}
