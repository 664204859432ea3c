import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors/app-error.js';
import { renderMarkdown } from './render-markdown.js';

/** One body to render; `id` names the task in the "started" message. */
export interface RenderTask {
  id: number;
  body: string;
}

/** The worker's answer: the html and how long it took, or why the body is refused. */
export type RenderReply = { ok: true; html: string; seconds: number } | { ok: false; refused: string };

/** Sent to the pool the moment a task starts, so its time limit counts rendering, not waiting. */
export interface RenderStarted {
  renderStarted: number;
}

/**
 * The task a render worker runs (piscina calls the default export): `renderMarkdown` off the
 * main thread. A body refused by the renderer's own limits comes back as `{ ok: false }`, since an
 * AppError would lose its code crossing the thread boundary; anything else thrown is a crash.
 *
 * @example
 * await pool.run({ id: 1, body: '**Breaking**' }); // { ok: true, html: '<p><strong>Breaking</strong></p>\n', seconds: 0.0004 }
 */
export default function renderTask(task: RenderTask): RenderReply {
  const started: RenderStarted = { renderStarted: task.id };
  parentPort?.postMessage(started);
  const t0 = performance.now();
  try {
    const html = renderMarkdown(task.body);
    return { ok: true, html, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    if (err instanceof AppError && err.code === 'body_too_complex') return { ok: false, refused: err.message };
    throw err;
  }
}
