/**
 * A trace is one logged quantity against training step, with the steps where
 * it was not logged dropped. Detectors work on traces and report steps, so a
 * log written every k steps reads the same as one written every step.
 */

export interface Trace {
  step: number[];
  value: number[];
}

export function finiteTrace(step: number[], values: number[]): Trace {
  const trace: Trace = { step: [], value: [] };
  for (let i = 0; i < step.length; i++) {
    if (Number.isFinite(values[i])) {
      trace.step.push(step[i]!);
      trace.value.push(values[i]!);
    }
  }
  return trace;
}

/** The part of a trace from `firstStep` on. */
export function traceFrom(trace: Trace, firstStep: number): Trace {
  const start = trace.step.findIndex((s) => s >= firstStep);
  if (start < 0) return { step: [], value: [] };
  return { step: trace.step.slice(start), value: trace.value.slice(start) };
}

/** Typical steps between log entries (median), so thresholds in steps convert to entries. */
export function stepSpacing(trace: Trace): number {
  if (trace.step.length < 2) return 1;
  const gaps = trace.step.slice(1).map((s, i) => s - trace.step[i]!);
  return median(gaps);
}

/** A duration in steps as a count of log entries, at least `min`. */
export function entriesFor(steps: number, trace: Trace, min = 1): number {
  return Math.max(min, Math.round(steps / stepSpacing(trace)));
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Exponential moving average with span `spanEntries` (alpha = 2 / (span + 1)),
 * debiased as TensorBoard does so the start is not pulled toward zero.
 */
export function ema(values: number[], spanEntries: number): number[] {
  const alpha = 2 / (spanEntries + 1);
  const out: number[] = [];
  let acc = 0;
  let weight = 0;
  for (const v of values) {
    acc = (1 - alpha) * acc + alpha * v;
    weight = (1 - alpha) * weight + alpha;
    out.push(acc / weight);
  }
  return out;
}

/** Centred running median over `width` entries (odd); robust to single-step spikes. */
export function runningMedian(values: number[], width: number): number[] {
  const half = Math.floor(width / 2);
  return values.map((_, i) => median(values.slice(Math.max(0, i - half), i + half + 1)));
}
