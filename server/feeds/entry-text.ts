import type { Entry } from '../../shared/index.js';
import { assertNever } from '../domain/command-deps.js';
import { htmlText } from './xml-text.js';

/** A derived title keeps to this many words, and this many characters. */
const TITLE_WORDS = 12;
const TITLE_CHARS = 90;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text of sanitized entry HTML: tags dropped, entities decoded, whitespace collapsed.
 * Only for HTML this service produced (`entry.html`), never for arbitrary markup.
 *
 * @example
 * plainText('<p><strong>Winds</strong> &amp; rain</p>'); // 'Winds & rain'
 */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => decodeEntity(name) ?? whole)
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntity(name: string): string | undefined {
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED[name.toLowerCase()];
}

/**
 * The first words of a text, cut at a word boundary with an ellipsis when shortened.
 *
 * @example
 * firstWords('The storm made landfall south of the harbour shortly after four', 6); // 'The storm made landfall south of…'
 */
export function firstWords(text: string, words = TITLE_WORDS, chars = TITLE_CHARS): string {
  const all = text.split(' ').filter((w) => w !== '');
  let out = '';
  for (const word of all.slice(0, words)) {
    const next = out === '' ? word : `${out} ${word}`;
    if (next.length > chars) break;
    out = next;
  }
  if (out === '') out = text.slice(0, chars);
  return out.length < text.length ? `${out.replace(/[\s,;:.–—-]+$/u, '')}…` : out;
}

/**
 * A headline for an entry: its subheading, else the first words of what it says.
 *
 * @example
 * entryTitle({ ...entry, title: undefined, kind: 'quote', html: '<p>We are ready.</p>', attribution: 'Mayor' }); // '“We are ready.” — Mayor'
 */
export function entryTitle(entry: Entry): string {
  if (entry.title !== undefined) return entry.title;
  const text = plainText(entry.html);
  switch (entry.kind) {
    case 'quote': {
      const quoted = `“${firstWords(text)}”`;
      return entry.attribution === undefined ? quoted : `${quoted} — ${entry.attribution}`;
    }
    case 'image':
      return firstWords(text || entry.media?.caption || 'Photo');
    case 'video':
      return firstWords(text || entry.media?.caption || 'Video');
    case 'text':
      return text === '' ? 'Update' : firstWords(text);
    default:
      return assertNever(entry.kind);
  }
}

/**
 * The entry as HTML for feed readers: the sanitized body plus what the page shows around it
 * (media, the quote's attribution, the correction note). Everything added is escaped here.
 *
 * @example
 * entryHtml(entry); // '<figure><img src="https://…" alt="Flooded quay"><figcaption>Flooded quay</figcaption></figure><p>…</p>'
 */
export function entryHtml(entry: Entry): string {
  const parts: string[] = [];
  const media = entry.media;
  switch (entry.kind) {
    case 'image':
      if (media !== undefined) {
        const caption = media.caption ?? '';
        parts.push(
          `<figure><img src="${htmlText(media.url)}" alt="${htmlText(caption)}">` +
            (caption === '' ? '' : `<figcaption>${htmlText(caption)}</figcaption>`) +
            '</figure>',
        );
      }
      parts.push(entry.html);
      break;
    case 'video':
      if (media !== undefined) {
        const length = media.durationSeconds === undefined ? '' : ` (${duration(media.durationSeconds)})`;
        const caption = media.caption === undefined ? '' : `: ${htmlText(media.caption)}`;
        parts.push(`<p><a href="${htmlText(media.url)}">Watch the video${length}</a>${caption}</p>`);
      }
      parts.push(entry.html);
      break;
    case 'quote':
      parts.push(`<blockquote>${entry.html}</blockquote>`);
      if (entry.attribution !== undefined) parts.push(`<p>— ${htmlText(entry.attribution)}</p>`);
      break;
    case 'text':
      parts.push(entry.html);
      break;
    default:
      return assertNever(entry.kind);
  }
  if (entry.correction !== undefined) parts.push(`<p><em>Correction: ${htmlText(entry.correction)}</em></p>`);
  return parts.join('');
}

function duration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = String(totalSeconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
