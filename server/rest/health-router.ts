import { Router } from 'express';
import { AppError } from '../errors/app-error.js';
import type { EventStore } from '../store/event-store.js';

export interface HealthDeps {
  store: EventStore;
  /** True once the instance is shutting down: it still serves, but wants no new work. */
  draining?: () => boolean;
}

/**
 * `GET /healthz`: the process answers (liveness, always 200). `GET /readyz`: the instance wants
 * traffic (readiness: 200; 503 `{ ok: false, draining: true }` from the moment it starts shutting
 * down, so the load balancer takes it out before it stops listening; 503 `store_unavailable` while
 * the store does not answer). Mounted at the root, outside `/api`.
 *
 * @example
 * app.use(createHealthRouter({ store, draining: () => stopping }));
 */
export function createHealthRouter({ store, draining = () => false }: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    if (draining()) {
      // A state, not a failure: nothing went wrong, so no error code and nothing logged.
      res.status(503).set('Cache-Control', 'no-store').json({ ok: false, draining: true });
      return;
    }
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
