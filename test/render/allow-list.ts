import assert from 'node:assert/strict';

/** What the entry sanitizer lets through; anything else in rendered html is a hole. */
export const ALLOWED_TAGS = new Set([
  'p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'h3', 'h4', 'code', 'pre', 'hr', 's', 'sup', 'sub',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
]);
export const ALLOWED_ATTRIBUTES = new Set(['href', 'title', 'rel', 'target', 'start', 'align', 'class']);

/**
 * Checks the html structurally: every tag is allowed, every attribute is allowed, every href
 * uses http(s) or mailto. Text between tags is escaped by the sanitizer, so it cannot open a tag.
 *
 * @example
 * assertInert(renderMarkdown('<script>alert(1)</script>'), 'script tag');
 */
export function assertInert(html: string, label: string): void {
  const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g;
  for (const [, name = '', rest = ''] of html.matchAll(TAG)) {
    assert.ok(ALLOWED_TAGS.has(name.toLowerCase()), `${label}: tag <${name}> in ${html.slice(0, 500)}`);
    for (const [, attr = '', value = ''] of rest.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
      assert.ok(ALLOWED_ATTRIBUTES.has(attr.toLowerCase()), `${label}: attribute ${attr} in ${html.slice(0, 500)}`);
      if (attr === 'href') assert.match(value, /^(https?:|mailto:)/, `${label}: href ${value}`);
    }
  }
  assert.doesNotMatch(html.replace(TAG, ''), /</, `${label}: a raw "<" outside tags in ${html.slice(0, 500)}`);
  const tags = [...html.matchAll(TAG)].map(([tag]) => tag).join('');
  assert.doesNotMatch(tags, /javascript:|vbscript:|data:|\son\w+=|style=/i, `${label}: ${html.slice(0, 500)}`);
}
