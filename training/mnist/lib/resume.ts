/**
 * Continuing a sample model's training from a bundle that finished its first
 * cosine cycles: the earlier log is carried on and its seconds counted.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrainingLog } from './training-log.ts';

/** The earlier bundle's train-log.csv, copied to `out` if needed, open for more steps. */
export function continueTrainingLog(bundle: string, out: string, columns: string[]): TrainingLog {
  const previous = join(bundle, 'train-log.csv');
  const path = join(out, 'train-log.csv');
  if (!existsSync(previous)) throw new Error(`${previous}: missing; a resumed run continues the earlier log`);
  mkdirSync(out, { recursive: true });
  if (previous !== path) copyFileSync(previous, path);
  return TrainingLog.continue(path, columns);
}

/** Training seconds recorded in the card of the bundle a resumed run continues. */
export function earlierSeconds(bundle: string): number {
  const card = JSON.parse(readFileSync(join(bundle, 'card.json'), 'utf8')) as { training?: { seconds?: number } };
  return card.training?.seconds ?? 0;
}
