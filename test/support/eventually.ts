/**
 * Resolves once `check` holds (it may be async, e.g. reading a metric); fails after `timeoutMs`.
 *
 * @example
 * await eventually(async () => (await cuts()) > before, 'the slow reader was cut');
 */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
