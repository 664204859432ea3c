export { createFeedRouter, type FeedRouterOptions } from './feed-router.js';
export { renderAtomFeed, blogUrl, entryUrl, type AtomFeedInput } from './atom.js';
export { entryTitle, entryHtml, plainText, firstWords } from './entry-text.js';
export { xmlText, htmlText } from './xml-text.js';
