/**
 * Characters XML 1.0 forbids anywhere, even escaped: C0 controls other than tab, newline and
 * carriage return, lone surrogates, U+FFFE and U+FFFF. An entry body may carry them (a paste
 * from a word processor); a feed reader rejects the whole feed over one.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Text made safe for XML element content and attribute values: the five special characters
 * escaped, characters XML cannot carry dropped.
 *
 * @example
 * xmlText('Rain & wind <heavy>'); // 'Rain &amp; wind &lt;heavy&gt;'
 */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

/**
 * Text made safe for HTML element content and attribute values (for HTML built into a feed entry).
 *
 * @example
 * htmlText('"Hold on" <said> she'); // '&quot;Hold on&quot; &lt;said&gt; she'
 */
export function htmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "'" ? '&#39;' : (ENTITY[c] ?? c)));
}
