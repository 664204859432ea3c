/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<b>"Tom & Jerry"</b>'); // '&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON for a `<script type="application/json">` or `application/ld+json` block: `<`, `>` and `&`
 * become `\u003c`… so no `</script>` or `<!--` inside a string can end the block early, and the
 * line separators JavaScript once rejected are escaped too. `JSON.parse` reads it back unchanged.
 *
 * @example
 * scriptJson({ a: '</script>' }); // '{"a":"\\u003c/script\\u003e"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The visible text of an entry's sanitized HTML, for headlines, feeds and announcements.
 * Not a sanitizer: it reads HTML that was already sanitized on write.
 *
 * @example
 * htmlToText('<p>Polls <strong>close</strong> at 8&nbsp;pm</p>'); // 'Polls close at 8 pm'
 */
export function htmlToText(html: string): string {
  return decodeEntities(html.replace(/<(br|\/p|\/li|\/h[1-6]|\/blockquote|\/tr)\b[^>]*>/gi, ' ').replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8}|#39);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return codePoint(parseInt(lower.slice(2), 16)) ?? whole;
    if (lower.startsWith('#')) return codePoint(parseInt(lower.slice(1), 10)) ?? whole;
    return NAMED[lower] ?? whole;
  });
}

function codePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/**
 * At most `maxLength` characters of `text`, cut at a word boundary with an ellipsis.
 *
 * @example
 * truncateWords('The polls have closed in the east', 20); // 'The polls have…'
 */
export function truncateWords(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxLength / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')}…`;
}
