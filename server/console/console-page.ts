import { escapeHtml } from '../../shared/render/index.js';
import type { ConsoleAssetVersions } from './console-assets.js';

/** Where the console's script and stylesheet are served. */
export const CONSOLE_ASSETS_PATH = '/console/assets';

/** The id of the element the console's script takes over. */
export const CONSOLE_ROOT_ID = 'console-root';

/**
 * The console's HTML shell: no inline script or style (the CSP allows only our own files),
 * a message for browsers without JavaScript, and a clear note when the bundle is not built.
 *
 * @example
 * res.send(consoleShellHtml(await assets.versions()));
 */
export function consoleShellHtml(versions: ConsoleAssetVersions | undefined): string {
  const assets =
    versions === undefined
      ? []
      : [
          `<link rel="stylesheet" href="${CONSOLE_ASSETS_PATH}/console.css?v=${escapeHtml(versions.css)}">`,
          `<script defer src="${CONSOLE_ASSETS_PATH}/console.js?v=${escapeHtml(versions.js)}"></script>`,
        ];
  const body =
    versions === undefined
      ? '<main class="c-boot"><h1>The console is not built</h1><p>Run <code>npm run build</code> on the server, then reload this page.</p></main>'
      : '<main class="c-boot" aria-busy="true"><p>Loading the console…</p><noscript><p>The editor console needs JavaScript.</p></noscript></main>';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="same-origin">',
    '<title>Console · liveblog</title>',
    ...assets,
    '</head>',
    `<body class="c-body"><div id="${CONSOLE_ROOT_ID}" class="c-root">${body}</div></body>`,
    '</html>',
  ].join('\n');
}
