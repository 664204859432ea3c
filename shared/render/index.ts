export { escapeHtml, htmlToText, scriptJson, truncateWords } from './escape.js';
export { formatDuration, formatRelative, formatUtcDate, formatUtcDateTime, formatUtcTime, laterOf } from './time.js';
export { entryAnchor, entryHeadline, entryHtml, type EntryRenderOptions } from './entry-html.js';
export { blogHeaderHtml, keyEventsHtml, lastUpdatedHtml, lastUpdatedOf, statusBadgeHtml } from './blog-html.js';
export { liveBlogJsonLd, type BlogPostingLd, type LiveBlogPostingLd } from './json-ld.js';
export { pageSections, type PageSections } from './sections.js';
export { INITIAL_DATA_ID, parseInitialData, type InitialPageData } from './initial-data.js';
