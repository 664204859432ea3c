import assert from 'node:assert/strict';

/** What the entry sanitizer lets through; anything else in rendered html is a hole. */
export const ALLOWED_TAGS = new Set([
  'p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'h3', 'h4', 'code', 'pre', 'hr', 's', 'sup', 'sub',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
]);
export const ALLOWED_ATTRIBUTES = new Set(['href', 'title', 'rel', 'target', 'start', 'align', 'class']);

/**
 * Checks the html structurally: every tag is allowed, every attribute is allowed, every href
 * uses http(s) or mailto or is relative to the page (`/path`, `#entry`, `other?q=1`, never `//host`).
 * Text between tags is escaped by the sanitizer, so it cannot open a tag.
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
      if (attr === 'href') assertSafeHref(value, label);
    }
  }
  assert.doesNotMatch(html.replace(TAG, ''), /</, `${label}: a raw "<" outside tags in ${html.slice(0, 500)}`);
  const tags = [...html.matchAll(TAG)].map(([tag]) => tag).join('');
  assert.doesNotMatch(tags, /javascript:|vbscript:|data:|\son\w+=|style=/i, `${label}: ${html.slice(0, 500)}`);
}

/** What a browser would make of the href: it drops leading controls and spaces, and tabs and newlines anywhere. */
function assertSafeHref(value: string, label: string): void {
  // eslint-disable-next-line no-control-regex -- exactly the characters a URL parser ignores
  const url = value.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  assert.ok(scheme === undefined || ['http', 'https', 'mailto'].includes(scheme), `${label}: href ${value}`);
  assert.doesNotMatch(url, /^[/\\]{2}/, `${label}: protocol-relative href ${value}`);
}
