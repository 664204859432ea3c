import { availableParallelism } from 'node:os';
import type { Config } from '../config/config.js';

/**
 * How many worker processes `WORKERS` asks for: `auto` is one per CPU the process may use.
 *
 * @example
 * workerCountOf('auto'); // 2 on a machine with two cores
 */
export function workerCountOf(workers: Config['WORKERS']): number {
  return workers === 'auto' ? availableParallelism() : workers;
}
