/**
 * The editors' console (`/console`): signs in with a token, lists and opens blogs, composes
 * with a live preview, publishes safely, and shows the blog's entries live.
 */
import { CONSOLE_ROOT_ID } from '../../server/console/console-page.js';
import { ConsoleApp } from './app.js';

function start(): void {
  const root = document.getElementById(CONSOLE_ROOT_ID);
  if (root === null) throw new Error(`the console page has no #${CONSOLE_ROOT_ID}`);
  new ConsoleApp(root, window).start();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
