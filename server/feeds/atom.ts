import type { Blog, Entry } from '../../shared/index.js';
import { entryHtml, entryTitle } from './entry-text.js';
import { xmlText } from './xml-text.js';

/** The feed's author when an entry has none to inherit from (Atom requires one). */
const FEED_AUTHOR = 'liveblog';

export interface AtomFeedInput {
  blog: Blog;
  /** Newest first, as a snapshot page lists them. */
  entries: readonly Entry[];
  /** Where the service is reached, without a trailing slash: `https://news.example`. */
  baseUrl: string;
}

/**
 * The live page's URL and each entry's permalink, which are also the Atom ids.
 *
 * @example
 * blogUrl('https://news.example', 'storm'); // 'https://news.example/blogs/storm'
 */
export function blogUrl(baseUrl: string, blogId: string): string {
  return `${baseUrl}/blogs/${encodeURIComponent(blogId)}`;
}

/**
 * @example
 * entryUrl('https://news.example', 'storm', 'abc123'); // 'https://news.example/blogs/storm#entry-abc123'
 */
export function entryUrl(baseUrl: string, blogId: string, entryId: string): string {
  return `${blogUrl(baseUrl, blogId)}#entry-${encodeURIComponent(entryId)}`;
}

/**
 * A blog as an Atom 1.0 document (RFC 4287): the header as the feed, one `<entry>` per given
 * entry with its permalink as id and link, a title (the subheading or the first words), the
 * sanitized HTML as escaped `type="html"` content, author and times. `updated` is the latest
 * change of the header or of any listed entry.
 *
 * @example
 * const xml = renderAtomFeed({ blog, entries: page.entries, baseUrl: 'https://news.example' });
 */
export function renderAtomFeed({ blog, entries, baseUrl }: AtomFeedInput): string {
  const page = blogUrl(baseUrl, blog.id);
  const updated = entries.reduce((latest, e) => (e.updatedAt > latest ? e.updatedAt : latest), blog.updatedAt);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(page)}</id>`,
    `  <title type="text">${xmlText(blog.title)}</title>`,
  ];
  if (blog.keyPoints.length > 0) lines.push(`  <subtitle type="text">${xmlText(blog.keyPoints.join(' · '))}</subtitle>`);
  lines.push(
    `  <updated>${xmlText(updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(`${page}/feed.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(page)}"/>`,
    `  <author><name>${FEED_AUTHOR}</name></author>`,
    '  <generator>liveblog</generator>',
  );
  for (const entry of entries) lines.push(...entryLines(entry, baseUrl));
  lines.push('</feed>', '');
  return lines.join('\n');
}

function entryLines(entry: Entry, baseUrl: string): string[] {
  const link = entryUrl(baseUrl, entry.blogId, entry.id);
  const lines = [
    '  <entry>',
    `    <id>${xmlText(link)}</id>`,
    `    <title type="text">${xmlText(entryTitle(entry))}</title>`,
    `    <link rel="alternate" type="text/html" href="${xmlText(link)}"/>`,
    `    <published>${xmlText(entry.createdAt)}</published>`,
    `    <updated>${xmlText(entry.updatedAt)}</updated>`,
    `    <author><name>${xmlText(entry.author.name)}</name></author>`,
  ];
  if (entry.keyEvent) lines.push('    <category term="key-event" label="Key event"/>');
  if (entry.pinned) lines.push('    <category term="pinned" label="Pinned"/>');
  lines.push(`    <content type="html">${xmlText(entryHtml(entry))}</content>`, '  </entry>');
  return lines;
}
