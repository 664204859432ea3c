import type { Entry } from '../schemas/entry.js';
import { escapeHtml, htmlToText, truncateWords } from './escape.js';
import { formatDuration, formatRelative, formatUtcDateTime, formatUtcTime } from './time.js';

export interface EntryRenderOptions {
  /** The instant relative times are computed against ("5 min ago"). */
  now: Date | number;
}

/**
 * The `id` attribute and URL fragment of an entry: its permalink is `#entry-<id>`.
 *
 * @example
 * entryAnchor('m1abc2'); // 'entry-m1abc2'
 */
export function entryAnchor(entryId: string): string {
  return `entry-${entryId}`;
}

/**
 * What an entry is called where a short label is needed (key-events list, feeds, JSON-LD,
 * screen-reader announcements): its subheading, else the first words of its text.
 *
 * @example
 * entryHeadline({ ...entry, title: undefined, html: '<p>Polls have closed in the east.</p>' }); // 'Polls have closed in the east.'
 */
export function entryHeadline(entry: Pick<Entry, 'title' | 'html' | 'kind' | 'media' | 'attribution'>, maxLength = 110): string {
  if (entry.title !== undefined) return truncateWords(entry.title, maxLength);
  const text = htmlToText(entry.html);
  if (text !== '') return truncateWords(entry.kind === 'quote' ? `“${text}”` : text, maxLength);
  const caption = entry.media?.caption;
  if (caption !== undefined && caption !== '') return truncateWords(caption, maxLength);
  switch (entry.kind) {
    case 'image':
      return 'Photo';
    case 'video':
      return 'Video';
    case 'quote':
      return entry.attribution ?? 'Quote';
    case 'text':
      return 'Update';
    default:
      return String(entry.kind satisfies never);
  }
}

/**
 * One entry as an `<article>`: the same markup from the server (first render) and in the
 * browser (live inserts and edits). `entry.html` was sanitized when it was written and is the
 * only HTML inserted; every other field is escaped.
 *
 * @example
 * container.insertAdjacentHTML('afterbegin', entryHtml(entry, { now: Date.now() }));
 */
export function entryHtml(entry: Entry, options: EntryRenderOptions): string {
  const anchor = entryAnchor(entry.id);
  const classes = ['entry', `entry--${entry.kind}`];
  if (entry.keyEvent) classes.push('is-key-event');
  if (entry.pinned) classes.push('is-pinned');
  if (entry.version > 1) classes.push('is-updated');

  return [
    `<article class="${classes.join(' ')}" id="${anchor}" data-entry-id="${escapeHtml(entry.id)}" data-version="${entry.version}" data-kind="${entry.kind}" aria-labelledby="${anchor}-time">`,
    metaHtml(entry, anchor, options.now),
    entry.title !== undefined ? `<h2 class="entry__title">${escapeHtml(entry.title)}</h2>` : '',
    contentHtml(entry),
    updateNoteHtml(entry),
    `<footer class="entry__byline">By <span class="entry__author">${escapeHtml(entry.author.name)}</span></footer>`,
    '</article>',
  ].join('');
}

function metaHtml(entry: Entry, anchor: string, now: Date | number): string {
  const badges = [
    entry.pinned ? '<span class="badge badge--pinned">Pinned</span>' : '',
    entry.keyEvent ? '<span class="badge badge--key">Key event</span>' : '',
  ].join('');
  // the permalink's accessible name is the time; the title adds the day for hover
  return (
    '<div class="entry__meta">' +
    `<a class="entry__time" id="${anchor}-time" href="#${anchor}" title="Link to this update (${escapeHtml(formatUtcDateTime(entry.createdAt))})">` +
    `<time datetime="${escapeHtml(entry.createdAt)}">${formatUtcTime(entry.createdAt)}<span class="entry__tz"> UTC</span></time></a>` +
    `<span class="entry__ago" data-relative="${escapeHtml(entry.createdAt)}">${formatRelative(entry.createdAt, now)}</span>` +
    badges +
    '</div>'
  );
}

function bodyHtml(entry: Entry): string {
  return entry.html.trim() === '' ? '' : `<div class="entry__body">${entry.html}</div>`;
}

function contentHtml(entry: Entry): string {
  switch (entry.kind) {
    case 'text':
      return bodyHtml(entry);
    case 'quote':
      return (
        `<blockquote class="entry__quote">${bodyHtml(entry)}` +
        (entry.attribution !== undefined
          ? `<footer class="entry__attribution"><cite>${escapeHtml(entry.attribution)}</cite></footer>`
          : '') +
        '</blockquote>'
      );
    case 'image':
    case 'video':
      return mediaHtml(entry) + bodyHtml(entry);
    default:
      return String(entry.kind satisfies never);
  }
}

function mediaHtml(entry: Entry): string {
  const media = entry.media;
  if (media === undefined) return '';
  const url = escapeHtml(media.url);
  const caption = media.caption !== undefined && media.caption !== '' ? media.caption : undefined;
  const duration = entry.kind === 'video' && media.durationSeconds !== undefined ? formatDuration(media.durationSeconds) : undefined;
  const captionParts = [
    caption !== undefined ? escapeHtml(caption) : '',
    duration !== undefined ? `<span class="entry__duration">${duration}</span>` : '',
  ].filter((p) => p !== '');
  const figcaption = captionParts.length > 0 ? `<figcaption>${captionParts.join(' ')}</figcaption>` : '';
  const player =
    entry.kind === 'video'
      ? `<video controls preload="none" playsinline src="${url}"${caption !== undefined ? ` aria-label="${escapeHtml(caption)}"` : ''}><a href="${url}" rel="noopener noreferrer">Watch the video</a></video>`
      : `<img src="${url}" alt="${escapeHtml(caption ?? '')}" loading="lazy" decoding="async" referrerpolicy="no-referrer">`;
  return `<figure class="entry__media entry__media--${entry.kind}">${player}${figcaption}</figure>`;
}

function updateNoteHtml(entry: Entry): string {
  if (entry.version <= 1 && entry.correction === undefined) return '';
  const updated =
    entry.version > 1
      ? `<p class="entry__updated">Updated <time datetime="${escapeHtml(entry.updatedAt)}">${formatUtcTime(entry.updatedAt)} UTC</time></p>`
      : '';
  const correction =
    entry.correction !== undefined
      ? `<p class="entry__correction"><strong>Correction:</strong> ${escapeHtml(entry.correction)}</p>`
      : '';
  return `<div class="entry__note">${updated}${correction}</div>`;
}
