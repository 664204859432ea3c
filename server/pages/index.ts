export { createPageRouter, PAGE_ENTRIES, type PageRouterOptions } from './page-router.js';
export { ASSET_MANIFEST_FILE, AssetManifestSchema, defaultAssetsDir, type AssetManifestData } from './asset-manifest.js';
export { PAGE_CSP } from './security-headers.js';
