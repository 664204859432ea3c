import MarkdownIt, { type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { AppError } from '../errors/app-error.js';

/**
 * How deep quotes and lists may nest inside each other. Deeper is no newsroom's Markdown, and
 * past markdown-it's `maxNesting` the parser would silently drop the rest of the body.
 */
export const MAX_BLOCK_DEPTH = 20;

/**
 * The most HTML one body may render to. Every reader receives it: a 20,000-character table
 * with a long header and empty rows expands to megabytes of empty cells.
 */
export const HTML_MAX_BYTES = 256 * 1024;

/**
 * markdown-it, whose parser is linear in its input (no backtracking over emphasis or
 * brackets). Its `maxNesting` counts open tokens: a list takes two levels (list and item), so
 * this leaves room for MAX_BLOCK_DEPTH containers plus a leaf before it would truncate.
 */
const markdown = new MarkdownIt('default', {
  // raw HTML goes through, like before; the sanitizer below decides what survives
  html: true,
  // GFM autolinks: bare http(s) URLs, e-mail addresses and `www.` hosts
  linkify: true,
  typographer: false,
  // a stray newline stays a newline, not a `<br>`
  breaks: false,
  maxNesting: 2 * (MAX_BLOCK_DEPTH + 2),
});

// The sanitizer alone decides which URLs survive (one scheme allow-list). markdown-it's own check
// would print a refused link as its raw Markdown, `[x](javascript:…)` and all, where the sanitizer
// keeps the link text and drops the href.
markdown.validateLink = () => true;

// `//host` would inherit the page's scheme; the sanitizer drops such hrefs, so do not make them links
markdown.linkify.add('//', null);
markdown.linkify.add('www.', {
  // GFM links `www.example.org` without a scheme; linkify-it's own fuzzy mode would also link `config.py`
  validate: (text, pos, self) => {
    const start = pos - 'www.'.length;
    // lower case only, as GFM (linkify-it matches schemas in any case)
    if (!text.startsWith('www.', start)) return 0;
    // bounded, so thousands of `www.` in one body cost thousands of short scans, not one per remaining text
    const match = self.matchAtStart(`http://${text.slice(start, start + 2048)}`);
    // a bare `www.` matches as the host `www`: nothing after the prefix, no link
    return match === null ? 0 : Math.max(0, match.lastIndex - 'http://www.'.length);
  },
  normalize: (match) => {
    match.url = `http://${match.url}`;
  },
});

// Table alignment as the `align` attribute (allowed below); markdown-it writes a `style`, which is not.
for (const rule of ['th_open', 'td_open'] as const) {
  markdown.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
    const token = tokens[idx] as Token;
    const align = /^text-align:(left|right|center)$/.exec(String(token.attrGet('style') ?? ''))?.[1];
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    if (align !== undefined) token.attrSet('align', align);
    return self.renderToken(tokens, idx, options);
  };
}

/**
 * Tags renamed to an allowed equivalent instead of being dropped: headings, because the page owns
 * h1/h2 (blog and entry titles); `del` from raw HTML; b/i/strike from raw HTML.
 */
const RENAMED: Record<string, string> = {
  h1: 'h3', h2: 'h3', h5: 'h4', h6: 'h4', del: 's', strike: 's', b: 'strong', i: 'em',
};

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'h3', 'h4', 'code', 'pre', 'hr', 's', 'sup', 'sub',
    'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  ],
  allowedAttributes: {
    // rel and target are set by the transform below; listing them here lets them survive the filter
    a: ['href', 'title', 'rel', 'target'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
    code: ['class'],
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]{1,30}$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  // `//evil.example` would inherit the page's scheme and dodge the scheme list
  allowProtocolRelative: false,
  // these tags are dropped with everything inside them, not just unwrapped
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'svg', 'math', 'template', 'object', 'embed', 'title', 'xmp', 'noembed', 'noframes'],
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }),
    ...Object.fromEntries(Object.entries(RENAMED).map(([from, to]) => [from, sanitizeHtml.simpleTransform(to, {}, false)])),
  },
};

/**
 * Renders an entry's Markdown body to the HTML readers receive: Markdown first, then
 * everything (including raw HTML typed into the Markdown) through an allow-list sanitizer.
 * Synchronous and pure: the server runs it in a worker (see `renderer.ts`); the benchmark
 * calls it directly. Throws AppError `body_too_complex` for quotes or lists nested deeper
 * than MAX_BLOCK_DEPTH or HTML over HTML_MAX_BYTES.
 *
 * @example
 * renderMarkdown('**Breaking**: [live](https://example.com)');
 * // '<p><strong>Breaking</strong>: <a href="https://example.com" rel="noopener noreferrer" target="_blank">live</a></p>\n'
 */
export function renderMarkdown(body: string): string {
  const tokens = markdown.parse(body, {});
  if (blockDepthOf(tokens) > MAX_BLOCK_DEPTH) {
    throw new AppError(
      'body_too_complex',
      `the body nests quotes or lists more than ${MAX_BLOCK_DEPTH} levels deep; flatten them`,
    );
  }
  // checked before sanitizing too: sanitizing megabytes of empty table cells would be the slow part
  return withinHtmlLimit(sanitizeEntryHtml(withinHtmlLimit(markdown.renderer.render(tokens, markdown.options, {}))));
}

/**
 * The allow-list every entry's html passes: only the tags, attributes and URL schemes listed
 * above survive; links open in a new tab without an opener.
 *
 * @example
 * sanitizeEntryHtml('<p onclick="x()">hi<script>alert(1)</script></p>'); // '<p>hi</p>'
 */
export function sanitizeEntryHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

function withinHtmlLimit(html: string): string {
  if (Buffer.byteLength(html) <= HTML_MAX_BYTES) return html;
  throw new AppError(
    'body_too_complex',
    `the body renders to more than ${HTML_MAX_BYTES / 1024} KiB of HTML (a table with many columns and rows?); shorten it`,
  );
}

/** The deepest nesting of block quotes and lists in a parsed body. */
function blockDepthOf(tokens: Token[]): number {
  let depth = 0;
  let deepest = 0;
  for (const token of tokens) {
    if (token.type === 'blockquote_open' || token.type === 'bullet_list_open' || token.type === 'ordered_list_open') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (token.type === 'blockquote_close' || token.type === 'bullet_list_close' || token.type === 'ordered_list_close') {
      depth -= 1;
    }
  }
  return deepest;
}
