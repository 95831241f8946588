/**
 * A rising generator loss late in training: D is winning and G is not
 * catching up. Measured as the rise of a Theil–Sen line through the last part
 * of training, so spikes do not make or hide a trend.
 */
import type { Finding } from './finding.ts';
import { theilSen } from './theil-sen.ts';
import type { DiagnosticThresholds } from './thresholds.ts';
import { traceFrom, type Trace } from './trace.ts';

export function detectRisingGenerator(generatorLoss: Trace, thresholds: DiagnosticThresholds): Finding[] {
  const t = thresholds.risingGenerator;
  const afterWarmup = traceFrom(generatorLoss, generatorLoss.step[0]! + thresholds.warmupSteps);
  if (afterWarmup.step.length < 3) return [];
  const first = afterWarmup.step[0]!;
  const last = afterWarmup.step.at(-1)!;
  const late = traceFrom(afterWarmup, last - t.lateFraction * (last - first));
  if (late.step.length < 3) return [];
  const line = theilSen(late);
  const steps: [number, number] = [late.step[0]!, late.step.at(-1)!];
  const startLevel = line.intercept + line.slope * steps[0];
  const endLevel = line.intercept + line.slope * steps[1];
  const rise = endLevel - startLevel;
  if (rise < t.minRise) return [];
  return [
    {
      id: 'rising-generator-loss',
      severity: rise >= t.criticalRise ? 'critical' : 'warning',
      steps,
      evidence:
        `generator loss rises by ${rise.toFixed(2)} over steps ${steps[0]}–${steps[1]} ` +
        `(robust trend from ${startLevel.toFixed(2)} to ${endLevel.toFixed(2)}, ${(line.slope * 1000).toFixed(2)} per 1000 steps)`,
      values: { rise, startLevel, endLevel, slopePer1000Steps: line.slope * 1000 },
    },
  ];
}
