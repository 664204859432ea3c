import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntryCreateInput } from '../../shared/index.js';
import { DEMO_BLOG_ID } from '../../server/demo/index.js';
import { feedSettings } from '../../server/demo/feed-args.js';
import { DEMO_FEED_TEMPLATE_COUNT, demoFeedEntries } from '../../server/demo/feed-entries.js';

/** A repeatable stand-in for Math.random (a linear congruential generator). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('demo feed settings', () => {
  it('when only a token is given, then the defaults point at the local demo blog', () => {
    const outcome = feedSettings([], { LIVEBLOG_TOKEN: 'editor-token' });
    assert.deepEqual(outcome, {
      ok: true,
      settings: { baseUrl: 'http://localhost:3000', token: 'editor-token', blogId: DEMO_BLOG_ID, count: undefined, intervalMs: 4_000 },
    });
  });

  it('when flags and variables are given, then they win, and LIVEBLOG_TOKEN wins over ADMIN_TOKEN', () => {
    const outcome = feedSettings(['--count', '3', '--interval-ms', '250', '--blog', 'election-night'], {
      LIVEBLOG_URL: 'https://live.example/',
      LIVEBLOG_TOKEN: 'editor-token',
      ADMIN_TOKEN: 'admin-token',
    });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.settings, { baseUrl: 'https://live.example', token: 'editor-token', blogId: 'election-night', count: 3, intervalMs: 250 });
    const admin = feedSettings([], { ADMIN_TOKEN: 'admin-token', LIVEBLOG_TOKEN: '' });
    assert.equal(admin.ok && admin.settings.token, 'admin-token');
  });

  it('when a flag or variable is wrong, then the outcome says which, on one line', () => {
    for (const [argv, env, needle] of [
      [['--count', '0'], { LIVEBLOG_TOKEN: 't' }, '--count'],
      [['--interval-ms', '-5'], { LIVEBLOG_TOKEN: 't' }, '--interval-ms'],
      [['--colour'], { LIVEBLOG_TOKEN: 't' }, 'colour'],
      [[], { LIVEBLOG_TOKEN: 't', LIVEBLOG_URL: 'ftp://x' }, 'LIVEBLOG_URL'],
    ] as const) {
      const outcome = feedSettings(argv, env);
      assert.equal(outcome.ok, false);
      assert.ok(!outcome.ok && outcome.reason === 'usage' && outcome.message.includes(needle) && !outcome.message.includes('\n'), JSON.stringify(outcome));
    }
    const noToken = feedSettings([], {});
    assert.ok(!noToken.ok && noToken.reason === 'missing_token');
  });
});

describe('demo feed entries', () => {
  it('when many entries are made, then every one is a valid entry and the mix covers every kind and key events', () => {
    const next = demoFeedEntries(seeded(42));
    const made = Array.from({ length: DEMO_FEED_TEMPLATE_COUNT * 30 }, () => next());
    for (const input of made) EntryCreateInput.parse(input);
    for (const kind of ['text', 'quote', 'image', 'video'] as const) assert.ok(made.some((e) => e.kind === kind), `no ${kind}`);
    assert.ok(made.some((e) => e.keyEvent));
    assert.ok(made.every((e) => !e.pinned), 'the feed never pins');
    const bodies = new Set(made.map((e) => JSON.stringify(e)));
    assert.ok(bodies.size > made.length / 2, 'entries vary');
    for (let i = 1; i < made.length; i += 1) assert.notDeepEqual(made[i], made[i - 1]);
  });
});
