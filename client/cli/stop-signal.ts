/**
 * Calls `stop` once on Ctrl+C (SIGINT) or SIGTERM, instead of the default abrupt exit, so
 * that a follower closes its connection; returns the function that stops listening.
 *
 * @example
 * const release = onStopSignal(() => following.close());
 */
export function onStopSignal(stop: () => void): () => void {
  let called = false;
  const handler = (): void => {
    if (called) return;
    called = true;
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
