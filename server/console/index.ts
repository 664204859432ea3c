export { createConsoleRouter, CONSOLE_CSP, type ConsoleRouterOptions } from './console-router.js';
export { createPreviewRouter, type PreviewRouterDeps } from './preview-router.js';
export { CONSOLE_FILES, ConsoleAssets, type ConsoleAssetVersions, type ConsoleFile } from './console-assets.js';
export { CONSOLE_ASSETS_PATH, CONSOLE_ROOT_ID, consoleShellHtml } from './console-page.js';
