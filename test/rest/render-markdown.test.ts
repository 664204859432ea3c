import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HTML_MAX_BYTES, MAX_BLOCK_DEPTH, renderMarkdown } from '../../server/domain/render-markdown.js';
import { AppError } from '../../server/errors/app-error.js';
import { assertInert } from '../render/allow-list.js';

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

  it('when the body has bare URLs, www. hosts and e-mail addresses, then they become links as GFM autolinks do, and nothing else does', () => {
    const html = renderMarkdown('See https://example.com/a?b=1, www.example.org/path. or desk@example.com; not example.com, //evil.example or WWW.EXAMPLE.ORG');
    assert.equal(
      html,
      '<p>See <a href="https://example.com/a?b=1" rel="noopener noreferrer" target="_blank">https://example.com/a?b=1</a>, ' +
        '<a href="http://www.example.org/path" rel="noopener noreferrer" target="_blank">www.example.org/path</a>. ' +
        'or <a href="mailto:desk@example.com" rel="noopener noreferrer" target="_blank">desk@example.com</a>; ' +
        'not example.com, //evil.example or WWW.EXAMPLE.ORG</p>\n',
    );
  });

  it('when a table column is aligned, then its cells carry the align attribute the sanitizer allows', () => {
    const html = renderMarkdown('| L | C | R | - |\n| :- | :-: | -: | - |\n| 1 | 2 | 3 | 4 |');
    assert.match(html, /<th align="left">L<\/th>\n<th align="center">C<\/th>\n<th align="right">R<\/th>\n<th>-<\/th>/);
    assert.match(html, /<td align="left">1<\/td>\n<td align="center">2<\/td>\n<td align="right">3<\/td>\n<td>4<\/td>/);
  });

  it(`when quotes and lists nest ${MAX_BLOCK_DEPTH} deep, then they render; one more and the body is refused as too complex`, () => {
    const quotes = (depth: number): string => `${'> '.repeat(depth)}deep`;
    const lists = (depth: number): string => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`).join('\n');
    assert.equal(renderMarkdown(quotes(MAX_BLOCK_DEPTH)).split('<blockquote>').length - 1, MAX_BLOCK_DEPTH);
    assert.equal(renderMarkdown(lists(MAX_BLOCK_DEPTH)).split('<ul>').length - 1, MAX_BLOCK_DEPTH);
    for (const body of [quotes(MAX_BLOCK_DEPTH + 1), lists(MAX_BLOCK_DEPTH + 1), '> '.repeat(10_000), '1. '.repeat(6_666)]) {
      assert.throws(
        () => renderMarkdown(body),
        (err) => err instanceof AppError && err.code === 'body_too_complex' && /nests quotes or lists more than 20 levels/.test(err.message),
      );
    }
  });

  it(`when the body would render to more than ${HTML_MAX_BYTES / 1024} KiB of html, then it is refused as too complex`, () => {
    const wideTable = `${'|a'.repeat(100)}|\n${'|-'.repeat(100)}|\n${'|\n'.repeat(9_000)}`.slice(0, 20_000);
    assert.throws(
      () => renderMarkdown(wideTable),
      (err) => err instanceof AppError && err.code === 'body_too_complex' && /more than 256 KiB of HTML/.test(err.message),
    );
    // the most an ordinary body gets: every word an autolinked address
    assert.ok(Buffer.byteLength(renderMarkdown('a@b.co '.repeat(2_857))) < HTML_MAX_BYTES);
  });

  it('when the body is empty, then the html is empty', () => {
    assert.equal(renderMarkdown(''), '');
  });

  it('when text contains angle brackets, then they are escaped, not parsed', () => {
    assert.equal(renderMarkdown('5 < 6 and 7 > 3 & so on'), '<p>5 &lt; 6 and 7 &gt; 3 &amp; so on</p>\n');
  });
});
