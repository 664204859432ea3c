import { config } from 'zod';

/**
 * The page's CSP forbids eval. Without `jitless`, zod probes `new Function` while the shared
 * schemas are being built, which the browser blocks and reports as a CSP violation on every
 * page view. Imported first by `main.ts`, so it runs before any schema module is evaluated.
 */
config({ jitless: true });
