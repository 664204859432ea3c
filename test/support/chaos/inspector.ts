import WebSocket from 'ws';
import * as z from 'zod';

const Targets = z.array(z.object({ webSocketDebuggerUrl: z.string() })).min(1);
const Reply = z.object({ id: z.number(), error: z.object({ message: z.string() }).optional() });

/**
 * Runs a full garbage collection in a process started with `--inspect=127.0.0.1:<port>`
 * (DevTools protocol `HeapProfiler.collectGarbage`), so that its heap figure counts what it holds,
 * not the garbage it has not collected yet.
 *
 * @example
 * await collectGarbage(9229);
 * const held = (await instance.metrics()).heldBytes;
 */
export async function collectGarbage(inspectPort: number): Promise<void> {
  const listed = await fetch(`http://127.0.0.1:${inspectPort}/json/list`, { signal: AbortSignal.timeout(5_000) });
  const [target] = Targets.parse(await listed.json());
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the inspector did not answer within 10 s')), 10_000);
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      ws.on('message', (data: Buffer) => {
        const reply = Reply.safeParse(JSON.parse(data.toString('utf8')));
        if (!reply.success || reply.data.id !== 1) return;
        clearTimeout(timer);
        if (reply.data.error !== undefined) reject(new Error(`HeapProfiler.collectGarbage: ${reply.data.error.message}`));
        else resolve();
      });
    });
  } finally {
    ws.close();
  }
}
