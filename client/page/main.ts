/**
 * The reader page's script: takes over the server-rendered page and keeps it live.
 * It starts from exactly the state and position the server rendered (`#lb-initial`),
 * so nothing published between the render and the socket connecting is lost.
 */
// first: it configures zod before the schema modules below are evaluated
import './zod-jitless.js';
import { INITIAL_DATA_ID, parseInitialData } from '../../shared/render/index.js';
import { connect } from '../live/index.js';
import { ConnectionView } from './connection-view.js';
import { LivePage } from './live-page.js';
import { findPageElements } from './page-elements.js';
import { startRelativeTimes } from './relative-times.js';
import { readSortPreference, wireSortSwitch, writeSortPreference } from './sort-preference.js';

function readInitialData(doc: Document): ReturnType<typeof parseInitialData> {
  const block = doc.getElementById(INITIAL_DATA_ID);
  if (block === null) return undefined;
  try {
    return parseInitialData(JSON.parse(block.textContent ?? ''));
  } catch {
    return undefined;
  }
}

function start(doc: Document): void {
  startRelativeTimes(doc);
  const data = readInitialData(doc);
  // the list of blogs and older (archive) pages have no live state: relative times are all they need
  if (data === undefined) return;

  const elements = findPageElements(doc);
  const client = connect();
  const live = client.subscribe(data.blogId, { from: { snapshot: data.snapshot, position: data.position } });

  const connection = new ConnectionView(elements.connection, elements.readers);
  connection.connection(client.connection);
  client.onConnection((state) => connection.connection(state));
  if (live.readers !== undefined) connection.readerCount(live.readers);
  live.onReaders((count) => connection.readerCount(count));

  const storage = (): Storage => window.localStorage;
  const sort = readSortPreference(storage);
  const page = new LivePage(doc, elements, data, live, sort);
  live.onChange((change) => page.onChange(change));
  wireSortSwitch(elements.sortSwitch, sort, (next) => {
    writeSortPreference(storage, next);
    page.setSort(next);
  });
  // refused for good (e.g. the blog is gone): the page no longer follows it, so it must not say "Live"
  live.onError(() => connection.connection('offline'));
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => start(document), { once: true });
} else {
  start(document);
}
