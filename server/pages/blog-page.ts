import type { BlogPage, Entry } from '../../shared/index.js';
import {
  INITIAL_DATA_ID,
  blogHeaderHtml,
  entryHeadline,
  entryHtml,
  escapeHtml,
  keyEventsHtml,
  lastUpdatedOf,
  liveBlogJsonLd,
  pageSections,
  scriptJson,
  truncateWords,
  type InitialPageData,
} from '../../shared/render/index.js';
import type { AssetManifestData } from './asset-manifest.js';
import { documentHtml, footerHtml, topBarHtml } from './layout.js';

export interface BlogPageModel {
  page: BlogPage;
  /** Pinned and key-event entries older than `page` (live view only). */
  extras: Entry[];
  /** Absolute URL of the live page (no query). */
  pageUrl: string;
  /** `live`: the latest page, kept current in the browser. `archive`: an older page (`?cursor=`), static. */
  view: { kind: 'live' } | { kind: 'archive'; cursor: string };
  now: Date;
  assets: AssetManifestData | undefined;
}

/**
 * The whole live-blog page, complete without JavaScript: header, pinned card, key events,
 * the stream (newest first), "Load older" as a real link, structured data, and the exact
 * snapshot and position the browser continues from.
 *
 * @example
 * res.send(blogPageHtml({ page, extras, pageUrl, view: { kind: 'live' }, now: new Date(), assets }));
 */
export function blogPageHtml(model: BlogPageModel): string {
  const { page, pageUrl, now } = model;
  const { blog } = page;
  const { view } = model;
  const live = view.kind === 'live';
  const sections = live ? pageSections(page.entries, model.extras) : { stream: page.entries, pinned: [], keyEvents: [] };
  const lastUpdated = lastUpdatedOf(blog, [...page.entries, ...model.extras]);
  const canonical = view.kind === 'live' ? pageUrl : `${pageUrl}?cursor=${encodeURIComponent(view.cursor)}`;
  const feedPath = `/blogs/${encodeURIComponent(blog.id)}/feed.atom`;
  const description = describe(blog.keyPoints, page.entries, blog.title);
  const render = (entry: Entry): string => entryHtml(entry, { now });

  const head = [
    `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(blog.title)} (Atom feed)" href="${escapeHtml(feedPath)}">`,
    ...openGraph(blog.title, description, canonical, page.entries, blog.coverageStartTime, lastUpdated),
    live ? `<script type="application/ld+json" id="lb-jsonld">${scriptJson(liveBlogJsonLd(blog, orderedForLd(page.entries, model.extras), pageUrl))}</script>` : '',
    live ? '' : '<meta name="robots" content="noindex, follow">',
  ].join('\n');

  const status =
    '<span class="readers" data-testid="reader-count" hidden><span class="readers__count">0</span> reading</span>' +
    '<span class="connection" data-testid="connection" data-state="catching-up" role="status" hidden>' +
    '<span class="connection__dot" aria-hidden="true"></span><span class="connection__text">Catching up…</span></span>';

  const initial: InitialPageData | undefined = live
    ? { blogId: blog.id, snapshot: { blog, entries: page.entries, nextCursor: page.nextCursor }, position: page.position, extras: model.extras, pageUrl }
    : undefined;

  const body = [
    topBarHtml(live ? status : ''),
    `<main class="layout" id="main" data-blog-id="${escapeHtml(blog.id)}" data-view="${model.view.kind}">`,
    `<div class="layout__header">${blogHeaderHtml(blog, { lastUpdated })}</div>`,
    `<aside class="layout__aside"><nav class="key-events" id="lb-key-events" aria-labelledby="key-events-title"${sections.keyEvents.length === 0 ? ' hidden' : ''}>${keyEventsHtml(sections.keyEvents)}</nav></aside>`,
    '<div class="layout__stream">',
    live
      ? `<section class="pinned" id="lb-pinned" aria-label="Pinned"${sections.pinned.length === 0 ? ' hidden' : ''}>${sections.pinned.map(render).join('')}</section>`
      : `<p class="archive-note">You are reading older updates. <a href="/blogs/${escapeHtml(encodeURIComponent(blog.id))}">Back to the latest</a></p>`,
    '<div class="stream-toolbar">',
    `<h2 class="stream-toolbar__title" id="stream-title">${live ? 'Latest updates' : 'Older updates'}</h2>`,
    live
      ? '<div class="sort-switch" role="group" aria-label="Order of updates" data-testid="sort-switch" hidden>' +
        '<button type="button" data-sort="newest" aria-pressed="true">Newest first</button>' +
        '<button type="button" data-sort="oldest" aria-pressed="false">Oldest first</button></div>'
      : '',
    '</div>',
    // a zero-height sticky bar: the button floats over the stream column without taking room in it
    live
      ? '<div class="new-updates-bar"><button type="button" class="new-updates" data-testid="new-updates" hidden><span aria-hidden="true">↑</span> <span class="new-updates__text"></span></button></div>'
      : '',
    `<div class="stream" id="lb-stream" aria-labelledby="stream-title">${sections.stream.map(render).join('')}</div>`,
    sections.stream.length === 0 && sections.pinned.length === 0 ? '<p class="stream-empty" id="lb-empty">No updates yet. This page will show them as they arrive.</p>' : '',
    pagerHtml(blog.id, page.nextCursor, page.entries.length > 0),
    live ? '<noscript><p class="noscript-note">This page updates by itself when JavaScript is on. Reload it for the latest updates.</p></noscript>' : '',
    '</div>',
    '</main>',
    footerHtml(`<a href="${escapeHtml(feedPath)}">Atom feed</a>`),
    '<div class="visually-hidden" id="lb-announcer" aria-live="polite" aria-atomic="true"></div>',
    initial !== undefined ? `<script type="application/json" id="${INITIAL_DATA_ID}">${scriptJson(initial)}</script>` : '',
  ].join('\n');

  return documentHtml({
    title: blog.status === 'live' ? `Live: ${blog.title}` : blog.title,
    description,
    canonical,
    head,
    bodyClass: `page page--blog${live ? '' : ' page--archive'}`,
    body,
    assets: model.assets,
  });
}

function pagerHtml(blogId: string, nextCursor: string | null, hasEntries: boolean): string {
  if (nextCursor === null) {
    const end = hasEntries ? '<p class="pager__end">You have reached the start of this live blog.</p>' : '';
    return `<nav class="pager" aria-label="Older updates" id="lb-pager">${end}</nav>`;
  }
  const href = `/blogs/${encodeURIComponent(blogId)}?cursor=${encodeURIComponent(nextCursor)}`;
  return `<nav class="pager" aria-label="Older updates" id="lb-pager"><a class="load-older" data-testid="load-older" rel="next" href="${escapeHtml(href)}">Load older updates</a></nav>`;
}

/** Every entry the page knows, each once, for the structured data. */
function orderedForLd(paged: readonly Entry[], extras: readonly Entry[]): Entry[] {
  const ids = new Set(paged.map((e) => e.id));
  return [...paged, ...extras.filter((e) => !ids.has(e.id))];
}

function describe(keyPoints: readonly string[], entries: readonly Entry[], title: string): string {
  const first = keyPoints[0] ?? (entries[0] !== undefined ? entryHeadline(entries[0], 155) : undefined);
  return truncateWords(first ?? `Live updates: ${title}`, 160);
}

function openGraph(title: string, description: string, url: string, entries: readonly Entry[], published: string, modified: string): string[] {
  const image = entries.find((e) => e.kind === 'image' && e.media !== undefined)?.media?.url;
  return [
    '<meta property="og:type" content="article">',
    '<meta property="og:site_name" content="liveblog">',
    `<meta property="og:title" content="${escapeHtml(title)}">`,
    `<meta property="og:description" content="${escapeHtml(description)}">`,
    `<meta property="og:url" content="${escapeHtml(url)}">`,
    image !== undefined ? `<meta property="og:image" content="${escapeHtml(image)}">` : '',
    `<meta property="article:published_time" content="${escapeHtml(published)}">`,
    `<meta property="article:modified_time" content="${escapeHtml(modified)}">`,
    `<meta name="twitter:card" content="${image !== undefined ? 'summary_large_image' : 'summary'}">`,
  ].filter((line) => line !== '');
}
