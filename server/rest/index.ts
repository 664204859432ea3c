export { createRestRouter, type RestRouterDeps } from './rest-router.js';
export { createHealthRouter } from './health-router.js';
export { createBlogRoutes, type BlogRoutesDeps } from './blog-routes.js';
export { createEntryRoutes, type EntryRoutesDeps } from './entry-routes.js';
export { jsonBody, isJsonContentType } from './json-body.js';
export { errorHandler, notFoundHandler } from './error-handler.js';
export { parseWith, idempotencyKeyOf, paramsOf, queryOf, bodyOf, IdempotencyKey } from './validate.js';
