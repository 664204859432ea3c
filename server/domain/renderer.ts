import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import type { RenderReply, RenderStarted, RenderTask } from './render-worker.js';

/** How long one body may take to render before it is refused (and its worker terminated). */
export const RENDER_TIMEOUT_MS = 1_000;

/** How long a body may wait for a free worker before the write is refused as "try again". */
export const RENDER_QUEUE_TIMEOUT_MS = 5_000;

/** Renders entry Markdown off the main thread, within a time limit. */
export interface Renderer {
  /** The sanitized html of `body`; AppError `body_too_complex` (422) when it cannot be rendered. */
  render(body: string): Promise<string>;
  /** Lets running renders finish, then stops the workers. */
  close(): Promise<void>;
}

export interface RendererOptions {
  logger: Logger;
  metrics?: Metrics;
  /** Default RENDER_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Default RENDER_QUEUE_TIMEOUT_MS. */
  queueTimeoutMs?: number;
  /** Worker threads; default one per core beyond the first, at most two. */
  threads?: number;
  /** Heap limit of each worker (old generation), default 256 MiB: past it the worker dies, the body is refused. */
  heapMb?: number;
}

// Compiled, this module is dist/…/renderer.js next to render-worker.js; run by tsx it is the .ts
// source, and the worker threads inherit tsx through the process' execArgv.
const WORKER_FILE = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './render-worker.ts' : './render-worker.js', import.meta.url));

type Abort = 'timeout' | 'overloaded';

/**
 * A small piscina pool running `renderMarkdown`. The main thread only waits, so however a body
 * makes the parser behave, readers and health checks keep being served. A render that runs past
 * `timeoutMs` is aborted (piscina terminates that worker and starts another) and the body is refused
 * with 422 `body_too_complex`, as is a body that kills its worker; a body that cannot even start
 * within `queueTimeoutMs` gets 503 `store_unavailable` (nothing was written; retry).
 * The clock starts when the worker picks the body up, so a queue behind someone else's slow body
 * never makes an ordinary one look too complex.
 *
 * @example
 * const renderer = createRenderer({ logger, metrics });
 * const html = await renderer.render('**Breaking**');
 * await renderer.close();
 */
export function createRenderer(options: RendererOptions): Renderer {
  const log = options.logger.child({ module: 'renderer' });
  const timeoutMs = options.timeoutMs ?? RENDER_TIMEOUT_MS;
  const queueTimeoutMs = options.queueTimeoutMs ?? RENDER_QUEUE_TIMEOUT_MS;
  const pool = new Piscina<RenderTask, RenderReply>({
    filename: WORKER_FILE,
    // The fan-out owns the main thread: on two cores, one worker; never more than two.
    maxThreads: options.threads ?? Math.max(1, Math.min(2, availableParallelism() - 1)),
    // No thread until the first body; an idle one goes after a minute.
    minThreads: 0,
    idleTimeout: 60_000,
    // A body that makes the parser allocate without end kills its worker, not the process.
    resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 256 },
  });
  const starting = new Map<number, () => void>();
  pool.on('message', (message: unknown) => {
    if (isRenderStarted(message)) starting.get(message.renderStarted)?.();
  });
  // A worker that fails outside a task (e.g. cannot load) is an operator's problem; without a listener it would crash the process.
  pool.on('error', (err: unknown) => log.error({ err }, 'render worker failed'));
  let nextId = 0;
  let closing = false;

  return {
    async render(body) {
      const id = (nextId += 1);
      const abort = new AbortController();
      let timer = setTimeout(() => abort.abort('overloaded' satisfies Abort), queueTimeoutMs);
      starting.set(id, () => {
        clearTimeout(timer);
        timer = setTimeout(() => abort.abort('timeout' satisfies Abort), timeoutMs);
      });
      try {
        const reply = await pool.run({ id, body }, { signal: abort.signal });
        if (!reply.ok) throw new AppError('body_too_complex', reply.refused);
        options.metrics?.renderDuration.observe(reply.seconds);
        return reply.html;
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw refusal(abort.signal.aborted ? (abort.signal.reason as Abort) : closing ? 'closing' : 'crashed', body, err);
      } finally {
        clearTimeout(timer);
        starting.delete(id);
      }
    },
    async close() {
      closing = true;
      await pool.close();
    },
  };

  function refusal(why: Abort | 'closing' | 'crashed', body: string, err: unknown): AppError {
    const where = { chars: body.length };
    switch (why) {
      case 'timeout':
        options.metrics?.renderRefusals.inc('timeout');
        log.warn({ ...where, timeoutMs }, 'body refused: rendering took too long');
        return new AppError(
          'body_too_complex',
          `the body took more than ${timeoutMs / 1000} s to render; simplify its Markdown (long runs of *, _, [ or nested quotes and lists)`,
        );
      case 'crashed':
        options.metrics?.renderRefusals.inc('crashed');
        // the message says what broke; a stack per refused body would flood the log
        log.warn({ ...where, error: err instanceof Error ? err.message : String(err) }, 'body refused: rendering failed');
        return new AppError('body_too_complex', 'the body could not be rendered; simplify its Markdown', { cause: err });
      case 'overloaded':
        options.metrics?.renderRefusals.inc('overloaded');
        log.warn({ ...where, queueTimeoutMs }, 'render refused: no worker free in time');
        return new AppError('store_unavailable', 'the server is too busy rendering to take this body now; nothing was written, retry in a moment');
      case 'closing':
        return new AppError('store_unavailable', 'the server is shutting down; nothing was written, retry');
    }
  }
}

function isRenderStarted(message: unknown): message is RenderStarted {
  return typeof message === 'object' && message !== null && typeof (message as Partial<RenderStarted>).renderStarted === 'number';
}
