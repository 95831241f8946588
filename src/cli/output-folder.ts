/**
 * The output folder is checked before any work: a run that could not write its
 * report at the end must not spend minutes measuring models first.
 */
import { statSync } from 'node:fs';
import { inputError } from '../core/errors.ts';

/** Refuse an `out` that exists and is not a folder (exit 2, the flag named). */
export function assertOutputFolder(out: string, flag = '--out'): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(out);
  } catch {
    return; // absent: created when the report is written
  }
  if (!stats.isDirectory())
    throw inputError(
      out,
      'exists and is not a folder; name the folder the report is written into (it is created if absent)',
      flag,
    );
}
