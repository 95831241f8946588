/**
 * Which columns of a log are the generator's and the discriminator's loss.
 * Training scripts name them differently; the thresholds list the accepted names.
 */
import type { DiagnosticThresholds } from './thresholds.ts';
import type { TrainingLog } from './training-log.ts';
import { finiteTrace, type Trace } from './trace.ts';

export interface NamedTrace extends Trace {
  name: string;
}

export interface GanLosses {
  generator: NamedTrace | null;
  discriminator: NamedTrace | null;
}

export function ganLosses(log: TrainingLog, columns: DiagnosticThresholds['columns']): GanLosses {
  return { generator: firstColumn(log, columns.generator), discriminator: firstColumn(log, columns.discriminator) };
}

function firstColumn(log: TrainingLog, names: string[]): NamedTrace | null {
  const name = names.find((n) => log.series[n] !== undefined);
  if (name === undefined) return null;
  const trace = finiteTrace(log.step, log.series[name]!);
  return trace.step.length > 0 ? { name, ...trace } : null;
}
