import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlogId, EntryId, LIMITS } from '../../shared/index.js';
import { nextTimestamp } from '../../server/domain/clock.js';
import { canonicalJson, fingerprintOf } from '../../server/domain/fingerprint.js';
import { newEntryId } from '../../server/domain/ids.js';
import { numberedSlug, slugify } from '../../server/domain/slug.js';

describe('slugify', () => {
  const cases: Array<[string, string]> = [
    ['Election night', 'election-night'],
    ['Élection présidentielle : la soirée', 'election-presidentielle-la-soiree'],
    ['Straße, Ørsted & Łódź', 'strasse-orsted-lodz'],
    ['  --Hello__World--  ', 'hello-world'],
    ['2024: Year in review!', '2024-year-in-review'],
    ['ＦＵＬＬＷＩＤＴＨ ①', 'fullwidth-1'],
  ];
  for (const [title, slug] of cases) {
    it(`when the title is "${title}", then the slug is "${slug}"`, () => {
      assert.equal(slugify(title), slug);
    });
  }

  it('when the title has no latin letters or digits, then the slug falls back to "blog"', () => {
    for (const title of ['新闻直播', '!!!', '🔥🔥', '']) assert.equal(slugify(title), 'blog');
  });

  it('when the title is very long, then the slug is cut to 64 characters without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(63)} b c d`);
    assert.equal(slug, 'a'.repeat(63));
    assert.ok(slugify('word '.repeat(40)).length <= LIMITS.blogIdMaxLength);
    assert.doesNotMatch(slugify('word '.repeat(40)), /-$/);
  });

  it('when any title is slugified, then the result is a valid BlogId', () => {
    for (const title of ['Ça va?', 'a'.repeat(500), '—', 'Ünïcödé tïtlé', 'x-'.repeat(100)]) {
      assert.ok(BlogId.safeParse(slugify(title)).success, title);
    }
  });

  it('when a numbered candidate is needed, then the suffix always fits the id limit', () => {
    assert.equal(numberedSlug('storm', 1), 'storm');
    assert.equal(numberedSlug('storm', 3), 'storm-3');
    const long = numberedSlug('a'.repeat(64), 12);
    assert.equal(long, `${'a'.repeat(61)}-12`);
    assert.ok(BlogId.safeParse(long).success);
  });
});

describe('newEntryId', () => {
  it('when ids are generated, then they are valid EntryIds and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newEntryId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.ok(EntryId.safeParse(id).success, id);
  });

  it('when ids are made at later times, then they sort later as strings', () => {
    const times = [0, 1, 35, 36, 1_700_000_000_000, 1_700_000_000_001, 4_102_444_800_000];
    const ids = times.map((t) => newEntryId(t));
    assert.deepEqual([...ids].sort(), ids);
  });
});

describe('fingerprintOf', () => {
  it('when two inputs differ only in key order, then their fingerprints match', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } }), '{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
    assert.equal(fingerprintOf({ kind: 'text', body: 'x', media: undefined }), fingerprintOf({ body: 'x', kind: 'text' }));
  });

  it('when two inputs differ in a value, then their fingerprints differ', () => {
    assert.notEqual(fingerprintOf({ body: 'x' }), fingerprintOf({ body: 'y' }));
    assert.match(fingerprintOf({}), /^[0-9a-f]{64}$/);
  });
});

describe('nextTimestamp', () => {
  it('when the clock is ahead of the previous write, then it is used as is', () => {
    assert.equal(nextTimestamp(new Date('2024-01-01T00:00:05.000Z'), '2024-01-01T00:00:00.000Z'), '2024-01-01T00:00:05.000Z');
  });

  it('when the clock is equal to or behind the previous write, then the result is one millisecond later', () => {
    assert.equal(nextTimestamp(new Date('2024-01-01T00:00:00.000Z'), '2024-01-01T00:00:00.000Z'), '2024-01-01T00:00:00.001Z');
    assert.equal(nextTimestamp(new Date('2023-12-31T00:00:00.000Z'), '2024-01-01T00:00:00.000Z'), '2024-01-01T00:00:00.001Z');
  });
});
