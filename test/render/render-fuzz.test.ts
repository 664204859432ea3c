import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LIMITS } from '../../shared/index.js';
import { renderMarkdown, sanitizeEntryHtml } from '../../server/domain/render-markdown.js';
import { AppError } from '../../server/errors/app-error.js';
import { assertInert } from './allow-list.js';

/** Generous: the slowest of these (long tables) render in well under a second; a backtracking parser takes several. */
const BOUND_MS = 3_000;
const MAX = LIMITS.bodyMaxLength;

/** Runs that made marked backtrack or recurse, plus the other delimiters a parser could trip on. */
const FAMILIES = [
  '**a_', '_a*', '*a(', '[', '![', '<', '`', '> ', '1. ', '- ', '[a](', '*_', '<a ', '&#', '~~', '|', '\\',
  'www.', 'a@b.co ', 'http://a.b/_', '[x]: <', '<!--', '```', '\n> ', ' \n', '#',
];

function atMost(text: string, length: number): string {
  return text.length <= length ? text : text.slice(0, length);
}

function repeated(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Pieces of ordinary newsroom Markdown, hostile raw HTML included. */
const ordinary = fc.constantFrom(
  'Polls close at **10 pm**. ',
  '_Update:_ the count resumes.\n\n',
  'See [the results](https://example.org/results "Results") now. ',
  'As [reported earlier](#entry-1), [the map](/blogs/storm/map) and [this](notes?q=1). ',
  'A `code` span and ~~struck~~ text. ',
  '> "We will wait," a voter said.\n\n',
  '- one\n- two\n  - nested\n\n',
  '3. third\n4. fourth\n\n',
  '### Heading\n\n',
  '| Party | Seats |\n| :--- | ---: |\n| A | 12 |\n\n',
  '<b>raw</b> <script>alert(1)</script> <img src=x onerror=alert(1)>',
  '[x](javascript:alert(1)) <a href="java&#x09;script:alert(1)">y</a>',
  'www.example.org and desk@example.org and https://example.com/a_b. ',
  'H<sub>2</sub>O and x<sup>2</sup> ',
  '```js\nif (a < b) {}\n```\n\n',
  '<svg onload=alert(1)><circle r="1"/></svg><style>p{}</style>',
  '\n\n',
  '---\n\n',
);

/** A pathological run of any length up to the maximum body. */
const run = fc
  .record({ unit: fc.constantFrom(...FAMILIES), length: fc.integer({ min: 1, max: MAX }) })
  .map(({ unit, length }) => repeated(unit, length));

/** Lists nested by indentation, quotes nested by `>`, and tables wide and long. */
const structures = fc.oneof(
  fc.integer({ min: 1, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}- x`).join('\n')),
  fc.integer({ min: 1, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => `${'>'.repeat(i + 1)} q`).join('\n')),
  fc
    .record({ columns: fc.integer({ min: 1, max: 3_000 }), rows: fc.integer({ min: 0, max: 10_000 }) })
    .map(({ columns, rows }) => `${'|a'.repeat(columns)}|\n${'|-'.repeat(columns)}|\n${'|\n'.repeat(rows)}`),
  fc.string({ unit: 'grapheme', maxLength: 2_000 }),
  fc.string({ unit: fc.constantFrom('a', ' ', '*', '_', '[', ']', '(', ')', '<', '>', '`', '\n', '!', '|', '-', '~'), maxLength: MAX }),
);

const body = fc
  .array(fc.oneof({ arbitrary: ordinary, weight: 3 }, { arbitrary: run, weight: 2 }, { arbitrary: structures, weight: 2 }), {
    minLength: 1,
    maxLength: 12,
  })
  .map((pieces) => atMost(pieces.join(''), MAX));

/** Renders within the bound, and either the html is inert or the body is refused as too complex. */
function rendersSafely(markdown: string): void {
  const started = performance.now();
  let html: string | undefined;
  try {
    html = renderMarkdown(markdown);
  } catch (err) {
    assert.ok(err instanceof AppError && err.code === 'body_too_complex', `unexpected ${String(err)} for ${JSON.stringify(markdown.slice(0, 80))}…`);
  }
  const ms = performance.now() - started;
  const label = `${markdown.length} chars starting ${JSON.stringify(markdown.slice(0, 40))}`;
  assert.ok(ms < BOUND_MS, `${label}: rendering took ${ms.toFixed(0)} ms`);
  if (html === undefined) return;
  assertInert(html, label);
  assert.equal(sanitizeEntryHtml(html), html, `${label}: sanitizing the output again changes it`);
}

describe('rendering generated Markdown', () => {
  it(`when a body is any mix of ordinary and pathological Markdown up to ${MAX} characters, then it renders in under ${BOUND_MS} ms to html the allow-list passes, or is refused as too complex`, () => {
    fc.assert(fc.property(body, rendersSafely), {
      numRuns: 80,
      // a slow render is slow again when shrunk: stop at the first failure instead
      endOnFailure: true,
      examples: FAMILIES.map((unit) => [repeated(unit, MAX)] as [string]),
    });
  });
});
