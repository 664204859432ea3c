import type { Express, RequestHandler } from 'express';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/index.js';
import { routeTable, type RouteTable } from './route-table.js';

/** Methods the service answers; anything else a client invents is counted as `other`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route label of requests that matched no route and no mounted file server (404s, probes). */
export const UNMATCHED = 'unmatched';

/**
 * Records every HTTP request's duration in `liveblog_http_request_duration_seconds` with the labels
 * method, route and status. The route is the matched route's pattern (`/api/blogs/:blogId/entries`),
 * a mount with `/*` for files (`/assets/*`), or `unmatched`: never the raw path, so a client sending
 * random paths adds no series. Mount it first; the route table is read once all routes exist.
 *
 * @example
 * app.use(httpMetrics(app, { metrics, logger }));
 */
export function httpMetrics(app: Express, deps: { metrics: Pick<Metrics, 'httpDuration'>; logger: Logger }): RequestHandler {
  const { metrics } = deps;
  let patterns: Map<object, string> | undefined;
  let mounts: Set<string> | undefined;
  const routeOf = (route: unknown, baseUrl: string): string => {
    if (patterns === undefined || mounts === undefined) {
      let table: RouteTable = { routes: [], mounts: [] };
      try {
        table = routeTable(app);
      } catch (err) {
        // an Express upgrade changed its router: count every request, unlabelled, rather than crash
        deps.logger.child({ module: 'http-metrics' }).error({ err }, "cannot read Express' route table; HTTP metrics label every request unmatched");
      }
      patterns = new Map(table.routes.map((r) => [r.route, r.pattern]));
      mounts = new Set(table.mounts);
    }
    if (typeof route === 'object' && route !== null) return patterns.get(route) ?? UNMATCHED;
    return mounts.has(baseUrl) ? `${baseUrl}/*` : UNMATCHED;
  };
  return (req, res, next) => {
    const started = performance.now();
    // 'close' also comes when the client went away before the answer was complete
    res.once('close', () => {
      const labels = { method: METHODS.has(req.method) ? req.method : 'other', route: routeOf(req.route, req.baseUrl), status: String(res.statusCode) };
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}
