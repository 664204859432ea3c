import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../server/domain/render-markdown.js';

/** Markdown (with raw HTML) that tries to run script, load content or restyle the page. */
const XSS_CORPUS: Array<[name: string, markdown: string]> = [
  ['script tag', '<script>alert(1)</script>'],
  ['script tag, mixed case', '<ScRiPt src="https://evil.example/x.js"></ScRiPt>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['event handler on an allowed tag', '<p onclick="alert(1)" onmouseover="alert(2)">click</p>'],
  ['markdown javascript: link', '[click](javascript:alert(1))'],
  ['markdown javascript: link, mixed case', '[click](JaVaScRiPt:alert(1))'],
  ['javascript: link with an encoded tab', '<a href="java&#x09;script:alert(1)">click</a>'],
  ['javascript: link with entities', '<a href="&#106;avascript:alert(1)">click</a>'],
  ['vbscript: link', '<a href="vbscript:msgbox(1)">click</a>'],
  ['data: URL link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['data: URL in raw html', '<a href="data:text/html,<script>alert(1)</script>">click</a>'],
  ['markdown image with javascript:', '![x](javascript:alert(1))'],
  ['svg onload', '<svg onload=alert(1)><circle r="1"/></svg>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  ['math with javascript href', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
  ['iframe', '<iframe src="https://evil.example"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object / embed', '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">'],
  ['style tag', '<style>body { display: none }</style>'],
  ['style attribute', '<p style="background:url(javascript:alert(1))">styled</p>'],
  ['form and input', '<form action="https://evil.example"><input autofocus onfocus=alert(1)></form>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ['base tag', '<base href="https://evil.example/">'],
  ['link tag', '<link rel="stylesheet" href="https://evil.example/x.css">'],
  ['template', '<template><script>alert(1)</script></template>'],
  ['protocol-relative link', '[click](//evil.example/path)'],
  ['unclosed attribute trick', '<a href="https://ok.example" "onmouseover=alert(1)">x</a>'],
  ['details ontoggle', '<details open ontoggle=alert(1)>x</details>'],
];

const ALLOWED_TAGS = new Set([
  'p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'h3', 'h4', 'code', 'pre', 'hr', 's', 'sup', 'sub',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
]);
const ALLOWED_ATTRIBUTES = new Set(['href', 'title', 'rel', 'target', 'start', 'align', 'class']);

/**
 * Checks the html structurally: every tag is allowed, every attribute is allowed, every href
 * uses http(s) or mailto. Text between tags is escaped by the sanitizer, so it cannot open a tag.
 */
function assertInert(html: string, label: string): void {
  const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g;
  for (const [, name = '', rest = ''] of html.matchAll(TAG)) {
    assert.ok(ALLOWED_TAGS.has(name.toLowerCase()), `${label}: tag <${name}> in ${html}`);
    for (const [, attr = '', value = ''] of rest.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
      assert.ok(ALLOWED_ATTRIBUTES.has(attr.toLowerCase()), `${label}: attribute ${attr} in ${html}`);
      if (attr === 'href') assert.match(value, /^(https?:|mailto:)/, `${label}: href ${value}`);
    }
  }
  assert.doesNotMatch(html.replace(TAG, ''), /</, `${label}: a raw "<" outside tags in ${html}`);
  const tags = [...html.matchAll(TAG)].map(([tag]) => tag).join('');
  assert.doesNotMatch(tags, /javascript:|vbscript:|data:|\son\w+=|style=/i, `${label}: ${html}`);
}

describe('renderMarkdown', () => {
  for (const [name, markdown] of XSS_CORPUS) {
    it(`when the body holds ${name}, then the html carries nothing executable`, () => {
      const html = renderMarkdown(markdown);
      assertInert(html, name);
    });
  }

  it('when the body is newsroom Markdown, then the allowed structure survives', () => {
    const html = renderMarkdown(
      [
        '### Update',
        '',
        '**Bold**, _italic_, ~~struck~~, `code`, H<sub>2</sub>O, x<sup>2</sup>',
        '',
        '> a quote',
        '',
        '1. one',
        '2. two',
        '',
        '- item',
        '',
        '---',
        '',
        '| Party | Seats |',
        '| --- | ---: |',
        '| A | 12 |',
        '',
        '```',
        'if (a < b) {}',
        '```',
      ].join('\n'),
    );
    for (const fragment of [
      '<h3>Update</h3>', '<strong>Bold</strong>', '<em>italic</em>', '<s>struck</s>', '<code>code</code>',
      '<sub>2</sub>', '<sup>2</sup>', '<blockquote>', '<ol>', '<ul>', '<li>one</li>', '<hr />', '<table>',
      '<th>Party</th>', '<td align="right">12</td>', '<pre><code>if (a &lt; b) {}',
    ]) {
      assert.ok(html.includes(fragment), `expected ${fragment} in ${html}`);
    }
  });

  it('when the body has links, then each opens in a new tab with rel="noopener noreferrer", whatever the author wrote', () => {
    const html = renderMarkdown('[site](https://example.com) <a href="http://example.org" target="_self" rel="opener">raw</a> <mailto:desk@example.com>');
    assert.match(html, /<a href="https:\/\/example.com" rel="noopener noreferrer" target="_blank">site<\/a>/);
    assert.match(html, /<a href="http:\/\/example.org" target="_blank" rel="noopener noreferrer">raw<\/a>/);
    assert.match(html, /<a href="mailto:desk@example.com" rel="noopener noreferrer" target="_blank">/);
  });

  it('when the body uses h1/h2 or h5/h6, then they become h3/h4 so the page keeps its outline', () => {
    assert.equal(renderMarkdown('# Big\n\n## Sub\n\n###### Tiny'), '<h3>Big</h3>\n<h3>Sub</h3>\n<h4>Tiny</h4>\n');
  });

  it('when the body is empty, then the html is empty', () => {
    assert.equal(renderMarkdown(''), '');
  });

  it('when text contains angle brackets, then they are escaped, not parsed', () => {
    assert.equal(renderMarkdown('5 < 6 and 7 > 3 & so on'), '<p>5 &lt; 6 and 7 &gt; 3 &amp; so on</p>\n');
  });
});
