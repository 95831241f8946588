/**
 * Oscillation of the generator loss: a generator hopping between modes makes
 * its loss swing with a regular period, while healthy training only leaves
 * step-to-step noise. In each sliding window the loss is detrended and its
 * autocorrelation searched for the strongest repeat (a local peak after the
 * first zero crossing). The peak height r says how periodic the loss is; the
 * periodic part carries r of the variance, so a sine with that power has
 * amplitude √(2·r·variance). Flagged windows that touch merge into one episode.
 */
import type { Finding } from './finding.ts';
import type { DiagnosticThresholds } from './thresholds.ts';
import { entriesFor, stepSpacing, traceFrom, type Trace } from './trace.ts';

export interface WindowOscillation {
  /** Index range [start, end) into the trace. */
  start: number;
  end: number;
  periodSteps: number;
  autocorrelation: number;
  amplitude: number;
}

export function detectOscillation(generatorLoss: Trace, thresholds: DiagnosticThresholds): Finding[] {
  const t = thresholds.oscillation;
  const trace = traceFrom(generatorLoss, generatorLoss.step[0]! + thresholds.warmupSteps);
  const flagged = oscillationWindows(trace, t.windowSteps, t.minPeriodSteps).filter(
    (w) => w.autocorrelation >= t.minAutocorrelation && w.amplitude >= t.minAmplitude,
  );
  return mergeTouching(flagged).map((episode) => {
    const strongest = episode.reduce((a, b) => (b.amplitude > a.amplitude ? b : a));
    const steps: [number, number] = [trace.step[episode[0]!.start]!, trace.step[episode.at(-1)!.end - 1]!];
    const amplitude = strongest.amplitude;
    return {
      id: 'generator-oscillation',
      severity: amplitude >= t.criticalAmplitude ? 'critical' : 'warning',
      steps,
      evidence:
        `generator loss oscillates with amplitude ${amplitude.toFixed(2)} and a period of about ` +
        `${Math.round(strongest.periodSteps)} steps (autocorrelation ${strongest.autocorrelation.toFixed(2)} at that lag) ` +
        `over steps ${steps[0]}–${steps[1]}`,
      values: {
        amplitude,
        periodSteps: strongest.periodSteps,
        autocorrelation: strongest.autocorrelation,
        windows: episode.length,
      },
    };
  });
}

/** The dominant oscillation of every window (half-overlapping; the last one ends at the trace's end). */
export function oscillationWindows(trace: Trace, windowSteps: number, minPeriodSteps: number): WindowOscillation[] {
  const n = trace.step.length;
  const size = Math.min(n, entriesFor(windowSteps, trace));
  const minLag = entriesFor(minPeriodSteps, trace, 2);
  const maxLag = Math.floor(size / 3);
  if (maxLag < minLag) return [];
  const spacing = stepSpacing(trace);
  const starts: number[] = [];
  const stride = Math.max(1, Math.floor(size / 2));
  for (let s = 0; s + size <= n; s += stride) starts.push(s);
  if (starts.at(-1)! + size < n) starts.push(n - size);
  return starts.map((start) => {
    const window = detrend(trace.step.slice(start, start + size), trace.value.slice(start, start + size));
    const variance = window.reduce((sum, x) => sum + x * x, 0) / size;
    const peak = autocorrelationPeak(window, minLag, maxLag);
    // The biased estimator shrinks r at lag k by (n − k)/n; undo that for the power share.
    const periodicShare = Math.min(1, Math.max(0, (peak.r * size) / (size - peak.lag)));
    return {
      start,
      end: start + size,
      periodSteps: peak.lag * spacing,
      autocorrelation: peak.r,
      amplitude: Math.sqrt(2 * periodicShare * variance),
    };
  });
}

/** Residuals from the least-squares line, so a drifting loss is not read as a slow oscillation. */
function detrend(step: number[], value: number[]): number[] {
  const n = step.length;
  const ms = step.reduce((a, b) => a + b, 0) / n;
  const mv = value.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (step[i]! - ms) * (value[i]! - mv);
    sxx += (step[i]! - ms) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return value.map((v, i) => v - mv - slope * (step[i]! - ms));
}

/**
 * Highest local maximum of the autocorrelation in [minLag, maxLag] after it
 * first turns negative; before that, r only decays from 1 and says nothing
 * about periodicity. r = 0 when there is no such peak.
 */
function autocorrelationPeak(x: number[], minLag: number, maxLag: number): { lag: number; r: number } {
  const n = x.length;
  const energy = x.reduce((sum, v) => sum + v * v, 0);
  if (energy === 0) return { lag: minLag, r: 0 };
  const r = new Array<number>(maxLag + 2).fill(0);
  for (let k = 1; k <= Math.min(maxLag + 1, n - 1); k++) {
    let sum = 0;
    for (let i = 0; i + k < n; i++) sum += x[i]! * x[i + k]!;
    r[k] = sum / energy;
  }
  const firstNegative = r.findIndex((v, k) => k > 0 && v < 0);
  let best = { lag: minLag, r: 0 };
  if (firstNegative < 0) return best;
  for (let k = Math.max(minLag, firstNegative + 1); k <= maxLag; k++) {
    if (r[k]! >= r[k - 1]! && r[k]! >= r[k + 1]! && r[k]! > best.r) best = { lag: k, r: r[k]! };
  }
  return best;
}

function mergeTouching(windows: WindowOscillation[]): WindowOscillation[][] {
  const episodes: WindowOscillation[][] = [];
  for (const w of windows) {
    const last = episodes.at(-1);
    if (last && w.start <= last.at(-1)!.end) last.push(w);
    else episodes.push([w]);
  }
  return episodes;
}
