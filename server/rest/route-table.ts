import type { Express } from 'express';
import { z } from 'zod';

/** One route of the application: its method and full path pattern (e.g. `/api/blogs/:blogId`). */
export interface RouteEntry {
  method: string;
  pattern: string;
  /** Express' route object, which a request that matched it carries as `req.route`. */
  route: object;
}

/** Everything the application serves: its routes, and the prefixes of mounted middleware that answer by themselves (static files). */
export interface RouteTable {
  routes: RouteEntry[];
  /** Mount paths of non-router middleware (e.g. `/assets`), for requests that match no route. */
  mounts: string[];
}

/**
 * The parts of Express 5's router layers (package `router` 2.x) this reads. Parsed, so that an
 * Express upgrade that changes them fails loudly here (and in test/rest/every-route.test.ts)
 * instead of silently labelling every request `unmatched`.
 */
const Layer = z.object({
  rawPath: z.union([z.string(), z.array(z.unknown()), z.instanceof(RegExp)]),
  slash: z.boolean(),
  route: z.object({ path: z.unknown(), methods: z.record(z.string(), z.unknown()) }).optional(),
  handle: z.unknown(),
});
const Stack = z.array(z.unknown());

/**
 * Every route of an assembled application, with the mount prefixes of the routers it sits in,
 * read from Express' router stack. Call it after every router is mounted.
 *
 * @example
 * routeTable(app).routes; // [{ method: 'get', pattern: '/healthz', route }, { method: 'post', pattern: '/api/blogs', route }, ...]
 */
export function routeTable(app: Express): RouteTable {
  const table: RouteTable = { routes: [], mounts: [] };
  walk(routerStackOf(app), '', table);
  return table;
}

function routerStackOf(app: Express): unknown[] {
  // `app.router` is Express 5's lazily made root router
  return Stack.parse((app as unknown as { router: { stack: unknown } }).router.stack);
}

function walk(stack: unknown[], prefix: string, table: RouteTable): void {
  for (const raw of stack) {
    const layer = Layer.parse(raw);
    if (layer.route !== undefined) {
      const pattern = join(prefix, String(layer.route.path));
      // the route object itself (parsing copies it), since requests carry that one
      const route = (raw as { route: object }).route;
      for (const method of Object.keys(layer.route.methods)) table.routes.push({ method, pattern, route });
      continue;
    }
    const mount = layer.slash ? prefix : join(prefix, String(layer.rawPath));
    const inner = typeof layer.handle === 'function' && 'stack' in layer.handle ? Stack.safeParse(layer.handle.stack) : undefined;
    if (inner?.success === true) walk(inner.data, mount, table);
    else if (mount !== prefix && !table.mounts.includes(mount)) table.mounts.push(mount);
  }
}

function join(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix === '' ? '/' : prefix;
  return `${prefix}${path}`;
}
