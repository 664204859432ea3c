import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * A private instance so no other module's `marked.use(...)` can change how entries render.
 * GFM for tables and strikethrough; no `breaks`, so a stray newline does not become `<br>`.
 */
const markdown = new Marked({ gfm: true, breaks: false });

/**
 * Tags renamed to an allowed equivalent instead of being dropped: headings, because the page owns
 * h1/h2 (blog and entry titles); `del` because GFM renders `~~strike~~` with it; b/i/strike from raw HTML.
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
 * Called once on write; readers never render Markdown themselves.
 *
 * @example
 * renderMarkdown('**Breaking**: [live](https://example.com)');
 * // '<p><strong>Breaking</strong>: <a href="https://example.com" rel="noopener noreferrer" target="_blank">live</a></p>\n'
 */
export function renderMarkdown(body: string): string {
  const html = markdown.parse(body, { async: false });
  return sanitizeHtml(html, SANITIZE);
}
