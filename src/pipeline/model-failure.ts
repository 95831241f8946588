/**
 * One model's failure is that model's row in the report, never the run's end:
 * a bad bundle (an input error, shown as it is) or anything unexpected thrown
 * while measuring it (shown as an internal error, first line only, so a bug met
 * by one model does not lose the others' results).
 */
import { GenreportError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** What the report and the log say about a model that failed with `error`. */
export function modelFailureReason(error: unknown): string {
  if (error instanceof GenreportError && error.kind === 'input') return error.message;
  const text = error instanceof Error ? error.message : String(error);
  const first =
    text.split('\n').find((line) => line.trim() !== '') ?? (error instanceof Error ? error.name : 'unknown error');
  return `internal error while evaluating this model (a genreport bug or a bundle it does not handle; the other models were measured): ${first}`;
}

/** Run one model's evaluation; on any error log the reason and return it instead. */
export async function evaluateOrFail<T>(
  evaluate: () => Promise<T>,
  logger: Logger,
): Promise<{ ok: T } | { failed: string }> {
  try {
    return { ok: await evaluate() };
  } catch (e) {
    const reason = modelFailureReason(e);
    logger.warn(reason);
    // The stack helps a bug report; it goes to the log, not into the report.
    if (!(e instanceof GenreportError) && e instanceof Error && e.stack) logger.info(e.stack);
    return { failed: reason };
  }
}
