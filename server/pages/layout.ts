import { escapeHtml } from '../../shared/render/index.js';
import type { AssetManifestData } from './asset-manifest.js';

/** Where the built assets are served from. */
export const ASSETS_PATH = '/assets';

export interface DocumentParts {
  title: string;
  description: string;
  /** Absolute canonical URL; also the Open Graph URL. */
  canonical?: string;
  /** Extra `<head>` markup (already escaped): feed links, Open Graph, JSON-LD. */
  head?: string;
  bodyClass: string;
  /** The page's body markup (already escaped). */
  body: string;
  assets: AssetManifestData | undefined;
}

/**
 * The HTML document around a page: meta tags, the stylesheet, and the reader's script
 * (deferred, same origin: the CSP allows nothing else).
 *
 * @example
 * res.send(documentHtml({ title: 'Live blogs', description: '…', bodyClass: 'page--home', body, assets }));
 */
export function documentHtml(parts: DocumentParts): string {
  const { assets } = parts;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)">',
    '<meta name="theme-color" content="#15171a" media="(prefers-color-scheme: dark)">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<meta name="description" content="${escapeHtml(parts.description)}">`,
    parts.canonical !== undefined ? `<link rel="canonical" href="${escapeHtml(parts.canonical)}">` : '',
    assets !== undefined ? `<link rel="stylesheet" href="${ASSETS_PATH}/${escapeHtml(assets['reader.css'])}">` : '',
    assets !== undefined ? `<script defer src="${ASSETS_PATH}/${escapeHtml(assets['reader.js'])}"></script>` : '',
    parts.head ?? '',
    '</head>',
    `<body class="${escapeHtml(parts.bodyClass)}">`,
    '<a class="skip-link" href="#main">Skip to content</a>',
    parts.body,
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * The slim bar at the top of every page; `status` is the live page's connection and reader count.
 *
 * @example
 * topBarHtml(statusHtml);
 */
export function topBarHtml(status = ''): string {
  return (
    '<div class="topbar"><div class="topbar__inner">' +
    '<a class="brand" href="/"><span class="brand__mark" aria-hidden="true"></span>liveblog</a>' +
    `<div class="topbar__status">${status}</div>` +
    '</div></div>'
  );
}

/**
 * The page footer.
 *
 * @example
 * footerHtml('<a href="/blogs/x/feed.atom">Atom feed</a>');
 */
export function footerHtml(extra = ''): string {
  return `<footer class="site-footer"><div class="site-footer__inner"><a href="/">All live blogs</a>${extra}<span>Times are UTC.</span></div></footer>`;
}
