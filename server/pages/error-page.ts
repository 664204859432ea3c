import { escapeHtml } from '../../shared/render/index.js';
import type { AssetManifestData } from './asset-manifest.js';
import { documentHtml, footerHtml, topBarHtml } from './layout.js';

/** The HTML error pages readers can meet. */
export type PageErrorKind = 'not_found' | 'bad_request' | 'unavailable';

const TEXT: Record<PageErrorKind, { status: number; title: string; message: string }> = {
  not_found: { status: 404, title: 'Page not found', message: 'There is no live blog at this address. It may have moved, or the link may be mistyped.' },
  bad_request: { status: 400, title: 'This link is not valid', message: 'The page link is malformed. Start again from the latest updates.' },
  unavailable: { status: 503, title: 'Temporarily unavailable', message: 'We cannot load this page right now. Please try again in a moment.' },
};

/**
 * An error page and its status.
 *
 * @example
 * const { status, html } = errorPage('not_found', assets);
 * res.status(status).send(html);
 */
export function errorPage(kind: PageErrorKind, assets: AssetManifestData | undefined): { status: number; html: string } {
  const { status, title, message } = TEXT[kind];
  const body = [
    topBarHtml(),
    `<main class="error-page" id="main" data-error="${kind}">`,
    `<p class="error-page__code">${status}</p>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(message)}</p>`,
    '<p><a class="button" href="/">See all live blogs</a></p>',
    '</main>',
    footerHtml(),
  ].join('\n');
  return { status, html: documentHtml({ title, description: message, bodyClass: 'page page--error', body, assets }) };
}
