/**
 * Diverging losses: the gap |G − D| widening over training means one player
 * is running away from the other instead of the two staying in balance.
 * Compares the median gap at the start and at the end of training (after
 * warm-up); the episode starts where the smoothed gap first reaches the
 * threshold.
 */
import type { Finding } from './finding.ts';
import type { DiagnosticThresholds } from './thresholds.ts';
import { ema, entriesFor, median, traceFrom, type Trace } from './trace.ts';

export function detectDivergence(
  generatorLoss: Trace,
  discriminatorLoss: Trace,
  thresholds: DiagnosticThresholds,
): Finding[] {
  const t = thresholds.divergence;
  const gap = traceFrom(absoluteGap(generatorLoss, discriminatorLoss), generatorLoss.step[0]! + thresholds.warmupSteps);
  const n = gap.step.length;
  const edge = Math.floor(n * t.edgeFraction);
  if (edge < 1) return [];
  const earlyGap = median(gap.value.slice(0, edge));
  const lateGap = median(gap.value.slice(n - edge));
  const widening = lateGap - earlyGap;
  if (widening < t.minWidening || lateGap < t.minGap) return [];
  const smoothed = ema(gap.value, entriesFor(thresholds.emaSpanSteps, gap));
  const from = smoothed.findIndex((g) => g >= t.minGap);
  const steps: [number, number] = [gap.step[Math.max(0, from)]!, gap.step[n - 1]!];
  return [
    {
      id: 'loss-divergence',
      severity: lateGap >= t.criticalGap ? 'critical' : 'warning',
      steps,
      evidence:
        `generator and discriminator losses drift apart: median gap |G − D| grows from ${earlyGap.toFixed(2)} ` +
        `to ${lateGap.toFixed(2)}, above ${t.minGap} from step ${steps[0]}`,
      values: { earlyGap, lateGap, widening },
    },
  ];
}

/** |G − D| at the steps where both were logged. */
function absoluteGap(g: Trace, d: Trace): Trace {
  const dAt = new Map(d.step.map((s, i) => [s, d.value[i]]));
  const out: Trace = { step: [], value: [] };
  g.step.forEach((s, i) => {
    const dv = dAt.get(s);
    if (dv !== undefined) {
      out.step.push(s);
      out.value.push(Math.abs(g.value[i]! - dv));
    }
  });
  return out;
}
