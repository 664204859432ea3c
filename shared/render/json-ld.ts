import type { Blog } from '../schemas/blog.js';
import type { Entry } from '../schemas/entry.js';
import { htmlToText } from './escape.js';
import { entryAnchor, entryHeadline } from './entry-html.js';
import { lastUpdatedOf } from './blog-html.js';

/** One update of the live blog, as schema.org describes it. */
export interface BlogPostingLd {
  '@type': 'BlogPosting';
  headline: string;
  articleBody: string;
  datePublished: string;
  dateModified: string;
  url: string;
  author: { '@type': 'Person'; name: string };
  image?: string;
  video?: { '@type': 'VideoObject'; contentUrl: string; name: string; uploadDate: string; description?: string };
}

/** schema.org `LiveBlogPosting` for a blog page. */
export interface LiveBlogPostingLd {
  '@context': 'https://schema.org';
  '@type': 'LiveBlogPosting';
  '@id': string;
  url: string;
  mainEntityOfPage: string;
  headline: string;
  description?: string;
  datePublished: string;
  dateModified: string;
  coverageStartTime: string;
  coverageEndTime?: string;
  liveBlogUpdate: BlogPostingLd[];
}

/**
 * The page's structured data, its updates newest first whatever order `entries` come in;
 * `pageUrl` is the canonical URL, each update's `url` is that plus `#entry-<id>`.
 * Serialise it with `scriptJson` for the `<script type="application/ld+json">` block.
 *
 * @example
 * const ld = liveBlogJsonLd(blog, entries, 'https://news.example/blogs/election-night');
 */
export function liveBlogJsonLd(blog: Blog, entries: readonly Entry[], pageUrl: string): LiveBlogPostingLd {
  const ld: LiveBlogPostingLd = {
    '@context': 'https://schema.org',
    '@type': 'LiveBlogPosting',
    '@id': pageUrl,
    url: pageUrl,
    mainEntityOfPage: pageUrl,
    headline: blog.title,
    datePublished: blog.coverageStartTime,
    dateModified: lastUpdatedOf(blog, entries),
    coverageStartTime: blog.coverageStartTime,
    // newest first whatever order the caller keeps; ids are time-sortable
    liveBlogUpdate: [...entries].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((entry) => postingLd(entry, pageUrl)),
  };
  if (blog.keyPoints.length > 0) ld.description = blog.keyPoints.join(' ');
  if (blog.status === 'ended' && blog.coverageEndTime !== undefined) ld.coverageEndTime = blog.coverageEndTime;
  return ld;
}

function postingLd(entry: Entry, pageUrl: string): BlogPostingLd {
  const text = htmlToText(entry.html);
  const posting: BlogPostingLd = {
    '@type': 'BlogPosting',
    headline: entryHeadline(entry),
    articleBody: entry.kind === 'quote' && entry.attribution !== undefined ? `“${text}” — ${entry.attribution}` : text,
    datePublished: entry.createdAt,
    dateModified: entry.updatedAt,
    url: `${pageUrl}#${entryAnchor(entry.id)}`,
    author: { '@type': 'Person', name: entry.author.name },
  };
  if (entry.kind === 'image' && entry.media !== undefined) posting.image = entry.media.url;
  if (entry.kind === 'video' && entry.media !== undefined) {
    posting.video = {
      '@type': 'VideoObject',
      contentUrl: entry.media.url,
      name: entryHeadline(entry),
      uploadDate: entry.createdAt,
      ...(entry.media.caption !== undefined ? { description: entry.media.caption } : {}),
    };
  }
  return posting;
}
