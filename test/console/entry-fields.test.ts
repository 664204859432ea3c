import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EMPTY_CONTENT, createBodyOf, patchBodyOf, problemsOfDetails } from '../../client/console/entry-fields.js';
import { publishRetryDelay } from '../../client/console/publisher.js';

const flags = { keyEvent: false, pinned: false };

describe('console entry fields', () => {
  test('when a text draft has text, then the create body carries only what was typed', () => {
    const checked = createBodyOf({ ...EMPTY_CONTENT, title: '  Polls close  ', body: 'At **8pm**', attribution: 'kept for a quote', mediaUrl: 'https://x.example/a.jpg' }, { keyEvent: true, pinned: false });
    assert.deepEqual(checked, { ok: true, value: { kind: 'text', body: 'At **8pm**', keyEvent: true, pinned: false, title: 'Polls close' } });
  });

  test('when a text draft is empty, then the problem points at the body', () => {
    const checked = createBodyOf(EMPTY_CONTENT, flags);
    assert.equal(checked.ok, false);
    assert.deepEqual(!checked.ok && checked.problems.map((p) => p.field), ['body']);
  });

  test('when an image has no address or an http one, then the problem points at the media field', () => {
    const none = createBodyOf({ ...EMPTY_CONTENT, kind: 'image' }, flags);
    assert.deepEqual(!none.ok && none.problems.map((p) => p.field), ['mediaUrl']);
    const http = createBodyOf({ ...EMPTY_CONTENT, kind: 'image', mediaUrl: 'http://x.example/a.jpg' }, flags);
    assert.deepEqual(!http.ok && http.problems.map((p) => p.field), ['mediaUrl']);
    const ok = createBodyOf({ ...EMPTY_CONTENT, kind: 'image', mediaUrl: 'https://x.example/a.jpg', caption: ' Harbour ' }, flags);
    assert.deepEqual(ok.ok && ok.value.media, { url: 'https://x.example/a.jpg', caption: 'Harbour' });
  });

  test('when a quote is edited into text, then the patch clears attribution, media and an empty correction', () => {
    const checked = patchBodyOf({ ...EMPTY_CONTENT, kind: 'text', body: 'Now plain text', attribution: 'Mayor' }, '  ', 3);
    assert.deepEqual(checked, {
      ok: true,
      value: { version: 3, kind: 'text', body: 'Now plain text', title: null, attribution: null, media: null, correction: null },
    });
  });

  test('when a video keeps its address, then its duration is kept too', () => {
    const checked = patchBodyOf({ ...EMPTY_CONTENT, kind: 'video', mediaUrl: 'https://v.example/a.mp4', durationSeconds: 95 }, 'Caption fixed', 2);
    assert.ok(checked.ok);
    assert.deepEqual(checked.value.media, { url: 'https://v.example/a.mp4', durationSeconds: 95 });
    assert.equal(checked.value.correction, 'Caption fixed');
  });

  test('when the server names fields in details.issues, then they map to the form fields', () => {
    const problems = problemsOfDetails({ issues: [{ path: 'media.url', message: 'must be an https:// URL' }, { path: 'title', message: 'too long' }] });
    assert.deepEqual(problems, [
      { field: 'mediaUrl', message: 'Must be an https:// URL' },
      { field: 'title', message: 'Too long' },
    ]);
    assert.deepEqual(problemsOfDetails('garbage'), []);
  });

  test('when publishing keeps failing, then retries back off from about a second to at most thirty', () => {
    assert.equal(publishRetryDelay(0, () => 1), 1_000);
    assert.equal(publishRetryDelay(0, () => 0), 500);
    assert.equal(publishRetryDelay(3, () => 1), 8_000);
    assert.equal(publishRetryDelay(50, () => 1), 30_000);
  });
});
