/**
 * Theil–Sen slope: the median of the slopes between all pairs of points.
 * Unlike least squares, a few loss spikes cannot tilt it (29% breakdown point).
 */
import { median, type Trace } from './trace.ts';

/** Pairs grow as n²; longer traces are first reduced to this many bin medians. */
const MAX_POINTS = 200;

export interface RobustLine {
  slope: number;
  intercept: number;
}

export function theilSen(trace: Trace): RobustLine {
  const { step, value } = binMedians(trace, MAX_POINTS);
  const slopes: number[] = [];
  for (let i = 0; i < step.length; i++) {
    for (let j = i + 1; j < step.length; j++) {
      if (step[j] !== step[i]) slopes.push((value[j]! - value[i]!) / (step[j]! - step[i]!));
    }
  }
  const slope = slopes.length > 0 ? median(slopes) : 0;
  const intercept = median(value.map((v, i) => v - slope * step[i]!));
  return { slope, intercept };
}

function binMedians(trace: Trace, bins: number): Trace {
  const n = trace.step.length;
  if (n <= bins) return trace;
  const out: Trace = { step: [], value: [] };
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * n) / bins);
    const hi = Math.floor(((b + 1) * n) / bins);
    out.step.push(median(trace.step.slice(lo, hi)));
    out.value.push(median(trace.value.slice(lo, hi)));
  }
  return out;
}
