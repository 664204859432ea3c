import type { Blog } from '../../shared/index.js';
import { escapeHtml, formatRelative, formatUtcDateTime, statusBadgeHtml } from '../../shared/render/index.js';
import type { AssetManifestData } from './asset-manifest.js';
import { documentHtml, footerHtml, topBarHtml } from './layout.js';

export interface BlogListing {
  blog: Blog;
  /** When the blog last changed: its header or its newest entry. */
  lastUpdated: string;
}

/**
 * Live blogs first (most recently updated first), then ended ones (most recently ended first).
 *
 * @example
 * const ordered = orderListings(listings);
 */
export function orderListings(listings: readonly BlogListing[]): BlogListing[] {
  const rank = (l: BlogListing): number => (l.blog.status === 'live' ? 0 : 1);
  const when = (l: BlogListing): string => (l.blog.status === 'ended' ? (l.blog.coverageEndTime ?? l.lastUpdated) : l.lastUpdated);
  return [...listings].sort((a, b) => rank(a) - rank(b) || (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0));
}

/**
 * `/`: every blog, live ones first, each with its status and when it was last updated.
 *
 * @example
 * res.send(homePageHtml({ listings, now: new Date(), assets }));
 */
export function homePageHtml(model: { listings: readonly BlogListing[]; now: Date; assets: AssetManifestData | undefined }): string {
  const ordered = orderListings(model.listings);
  const items = ordered.map(({ blog, lastUpdated }) => {
    const href = `/blogs/${encodeURIComponent(blog.id)}`;
    const firstPoint = blog.keyPoints[0];
    return (
      `<li class="blog-card" data-blog-id="${escapeHtml(blog.id)}" data-status="${blog.status}">` +
      `<div class="blog-card__meta">${statusBadgeHtml(blog.status)}` +
      `<span>Updated <time datetime="${escapeHtml(lastUpdated)}" title="${escapeHtml(formatUtcDateTime(lastUpdated))}">${escapeHtml(formatRelative(lastUpdated, model.now))}</time></span></div>` +
      `<h2 class="blog-card__title"><a href="${escapeHtml(href)}">${escapeHtml(blog.title)}</a></h2>` +
      (firstPoint !== undefined ? `<p class="blog-card__summary">${escapeHtml(firstPoint)}</p>` : '') +
      '</li>'
    );
  });
  const body = [
    topBarHtml(),
    '<main class="home" id="main">',
    '<h1 class="home__title">Live blogs</h1>',
    items.length > 0 ? `<ul class="blog-list">${items.join('')}</ul>` : '<p class="home__empty">No live blogs yet.</p>',
    '</main>',
    footerHtml(),
  ].join('\n');
  return documentHtml({
    title: 'Live blogs',
    description: 'Live coverage as it happens.',
    bodyClass: 'page page--home',
    body,
    assets: model.assets,
  });
}
