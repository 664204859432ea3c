import * as z from 'zod';
import { Epoch } from './ids.js';

/**
 * Where a blog's event log stands: `seq` is the last event applied, within `epoch`.
 * Seqs are only ever compared within one epoch.
 */
export const Position = z.object({
  epoch: Epoch,
  seq: z.number().int().min(0),
});
export type Position = z.infer<typeof Position>;
