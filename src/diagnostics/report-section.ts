/**
 * Proposed addition to ReportData (src/assemble/report-data.ts): the training
 * section. One entry per model in the report's order, models without a log
 * included, so the report can say so. Its loss chart is
 * render/charts/training-losses.ts.
 *
 *   interface ReportData { ...; training: TrainingSection; }
 */
import type { Finding, Severity } from './finding.ts';
import type { DiagnosticThresholds } from './thresholds.ts';

export type VerdictLabel =
  | 'healthy'
  | 'possible mode collapse'
  | 'mode collapse'
  | 'convergence failure'
  | 'unstable training'
  | 'no GAN losses'
  | 'no training log';

export interface TrainingDiagnostics {
  model: string;
  /** The log that was read, or null when the bundle declares none. */
  log: string | null;
  /** Steps in the log (first and last), when there is one. */
  steps: [number, number] | null;
  label: VerdictLabel;
  severity: Severity;
  /** One line for the report, e.g. "convergence failure: discriminator loss below 0.1 for …". */
  verdict: string;
  findings: Finding[];
}

export interface TrainingSection {
  /** The thresholds in force, so a reader can see what "flagged" meant. */
  thresholds: DiagnosticThresholds;
  models: TrainingDiagnostics[];
}
