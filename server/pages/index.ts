export { createPageRouter, PAGE_ENTRIES, type PageRouterOptions } from './page-router.js';
export { ASSET_MANIFEST_FILE, AssetManifestSchema, defaultAssetsDir, type AssetManifestData } from './asset-manifest.js';
export { NON_PAGE_CSP, PAGE_CSP, securityHeaders } from './security-headers.js';
