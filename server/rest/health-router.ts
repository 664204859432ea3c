import { Router } from 'express';
import { AppError } from '../errors/app-error.js';
import type { EventStore } from '../store/event-store.js';

/**
 * `GET /healthz`: the process answers (liveness, always 200). `GET /readyz`: the store answers
 * too (readiness: 200, or 503 `store_unavailable` so the load balancer routes around this instance).
 * Mounted at the root, outside `/api`.
 *
 * @example
 * app.use(createHealthRouter({ store }));
 */
export function createHealthRouter({ store }: { store: EventStore }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
    } catch (err) {
      if (err instanceof AppError && err.code === 'store_unavailable') throw err;
      throw new AppError('store_unavailable', 'the store cannot be reached', { cause: err });
    }
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  return router;
}
