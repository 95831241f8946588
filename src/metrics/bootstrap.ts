/**
 * Seeded bootstrap 95% intervals over the generated set for the headline
 * metrics: resample the generated samples with replacement, recompute, and
 * take the 2.5th and 97.5th percentiles (numpy's default linear
 * interpolation). The real set stays fixed; so do k-NN radii (PRDC is
 * reweighted per sample, see prdc.ts), since duplicated samples would
 * otherwise sit at distance 0 from each other and shrink every ball.
 */
import { Rng } from '../core/rng.ts';
import { featureMatrix, type FeatureMatrix } from '../core/types.ts';
import { fidFromStats } from './fid.ts';
import { prdcContributions, prdcFromCounts, type PrdcResult } from './prdc.ts';
import { statsFromFeatures } from './stats/moments.ts';

export interface BootstrapOptions {
  seed: number;
  /** Number of resamples; 0 computes no interval. */
  bootstrapResamples: number;
}

export interface Estimate {
  value: number;
  interval?: [number, number];
}

/** The stream every bootstrap draws from: the run seed, forked, so other uses of the seed do not shift it. */
export function bootstrapRng(seed: number): Rng {
  return new Rng(seed).fork('bootstrap');
}

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted`, linearly interpolated as numpy.percentile. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
}

/** The central 95% of the resampled values. */
export function percentileInterval(values: ArrayLike<number>): [number, number] {
  const sorted = Float64Array.from(values).sort();
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
}

/** How often each of n samples appears in one resample of size n. */
export function resampleCounts(rng: Rng, n: number): Int32Array {
  const counts = new Int32Array(n);
  for (const i of rng.resample(n)) counts[i]++;
  return counts;
}

export function withInterval(estimate: Estimate, n: number): { value: number; interval?: [number, number]; n: number } {
  return estimate.interval ? { value: estimate.value, interval: estimate.interval, n } : { value: estimate.value, n };
}

/** FID, and its interval from the generated set's resampled moments. */
export function fidWithInterval(real: FeatureMatrix, fake: FeatureMatrix, options: BootstrapOptions): Estimate {
  const realStats = statsFromFeatures(real);
  const value = fidFromStats(realStats, statsFromFeatures(fake));
  if (options.bootstrapResamples <= 0) return { value };
  const rng = bootstrapRng(options.seed);
  const d = fake.cols;
  const resampled = featureMatrix(fake.rows, d);
  const values = new Float64Array(options.bootstrapResamples);
  for (let b = 0; b < values.length; b++) {
    const rows = rng.resample(fake.rows);
    for (let r = 0; r < rows.length; r++) resampled.data.set(fake.data.subarray(rows[r] * d, rows[r] * d + d), r * d);
    values[b] = fidFromStats(realStats, statsFromFeatures(resampled));
  }
  return { value, interval: percentileInterval(values) };
}

export type PrdcEstimates = Record<keyof PrdcResult, Estimate>;

/**
 * Precision, recall, F1, density and coverage, each with its interval when
 * resamples are asked for. Each is a mean over one set with the other held
 * fixed, and that set is the one resampled: precision and density average
 * over generated samples, recall and coverage over real ones. (Resampling the
 * generated set for recall or coverage would drop a third of the distinct
 * samples from every replicate and bias the interval below the estimate.)
 * The k-NN radii of the full sets stay fixed, so duplicates never shrink a ball.
 */
export function prdcWithIntervals(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: BootstrapOptions & { prK: number; prdcK: number },
): PrdcEstimates {
  const c = prdcContributions(real, fake, { prK: options.prK, prdcK: options.prdcK });
  const m = fake.rows;
  const n = real.rows;
  const sumOver = (values: ArrayLike<number>, weights: Int32Array | null) => {
    let s = 0;
    for (let j = 0; j < values.length; j++) s += weights ? weights[j] * values[j] : values[j];
    return s;
  };
  const resultFor = (fakeCounts: Int32Array | null, realCounts: Int32Array | null): PrdcResult =>
    prdcFromCounts(
      sumOver(c.insideReal, fakeCounts) / m,
      sumOver(c.realCovered, realCounts) / n,
      sumOver(c.densityCounts, fakeCounts) / m,
      sumOver(c.realCoveredByNearest, realCounts) / n,
      c.prdcK,
    );
  const point = resultFor(null, null);
  const ids = ['precision', 'recall', 'f1', 'density', 'coverage'] as const;
  if (options.bootstrapResamples <= 0) return Object.fromEntries(ids.map((id) => [id, { value: point[id] }])) as PrdcEstimates;

  const rng = bootstrapRng(options.seed);
  const draws = ids.map(() => new Float64Array(options.bootstrapResamples));
  for (let b = 0; b < options.bootstrapResamples; b++) {
    const fakeCounts = resampleCounts(rng, m);
    const r = resultFor(fakeCounts, resampleCounts(rng, n));
    ids.forEach((id, q) => (draws[q][b] = r[id]));
  }
  return Object.fromEntries(ids.map((id, q) => [id, { value: point[id], interval: percentileInterval(draws[q]) }])) as PrdcEstimates;
}

/** The mean of per-sample values, and its interval from resampling the samples. */
export function meanWithInterval(values: Float64Array, options: BootstrapOptions): Estimate {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  if (options.bootstrapResamples <= 0) return { value: sum / n };
  const rng = bootstrapRng(options.seed);
  const draws = new Float64Array(options.bootstrapResamples);
  for (let b = 0; b < draws.length; b++) {
    let s = 0;
    for (const i of rng.resample(n)) s += values[i];
    draws[b] = s / n;
  }
  return { value: sum / n, interval: percentileInterval(draws) };
}
