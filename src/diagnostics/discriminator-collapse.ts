/**
 * Discriminator collapse: D's loss near zero means D separates real from
 * generated images with certainty, its gradients to G vanish, and G stops
 * learning (convergence failure). Found as runs where the running median of
 * D's loss stays below the threshold for long enough.
 */
import type { Finding } from './finding.ts';
import type { DiagnosticThresholds } from './thresholds.ts';
import { entriesFor, mean, runningMedian, stepSpacing, type Trace } from './trace.ts';

export function detectDiscriminatorCollapse(
  discriminatorLoss: Trace,
  generatorLoss: Trace | null,
  thresholds: DiagnosticThresholds,
): Finding[] {
  const t = thresholds.discriminatorCollapse;
  const { step, value } = discriminatorLoss;
  const smoothed = runningMedian(value, oddAtLeastOne(entriesFor(t.medianWindowSteps, discriminatorLoss)));
  const spacing = stepSpacing(discriminatorLoss);
  const findings: Finding[] = [];
  let i = 0;
  while (i < smoothed.length) {
    if (smoothed[i]! >= t.maxLoss) {
      i++;
      continue;
    }
    let end = i;
    while (end + 1 < smoothed.length && smoothed[end + 1]! < t.maxLoss) end++;
    const steps: [number, number] = [step[i]!, step[end]!];
    const durationSteps = steps[1] - steps[0] + spacing;
    if (durationSteps >= t.minSteps)
      findings.push(
        collapseFinding(steps, durationSteps, value.slice(i, end + 1), generatorLoss, step.at(-1)!, thresholds),
      );
    i = end + 1;
  }
  return findings;
}

function collapseFinding(
  steps: [number, number],
  durationSteps: number,
  dLosses: number[],
  generatorLoss: Trace | null,
  lastStep: number,
  thresholds: DiagnosticThresholds,
): Finding {
  const t = thresholds.discriminatorCollapse;
  const meanDiscriminatorLoss = mean(dLosses);
  const values: Record<string, number> = { durationSteps, meanDiscriminatorLoss };
  let evidence =
    `discriminator loss below ${t.maxLoss} for ${durationSteps} steps (${steps[0]}–${steps[1]}` +
    `${steps[1] === lastStep ? ', until the end of the log' : ''}), mean ${meanDiscriminatorLoss.toPrecision(2)}`;
  const gDuring = generatorLoss?.value.filter(
    (_, k) => generatorLoss.step[k]! >= steps[0] && generatorLoss.step[k]! <= steps[1],
  );
  if (gDuring && gDuring.length > 0) {
    values.meanGeneratorLoss = mean(gDuring);
    evidence += `, while generator loss averaged ${values.meanGeneratorLoss.toFixed(2)}`;
  }
  return {
    id: 'discriminator-collapse',
    severity: durationSteps >= t.criticalSteps ? 'critical' : 'warning',
    steps,
    evidence,
    values,
  };
}

function oddAtLeastOne(n: number): number {
  return n % 2 === 1 ? n : n + 1;
}
