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
import { prdcContributions, prdcFromCounts, type CoverLists, type PrdcResult } from './prdc.ts';
import { statsFromFeatures } from './stats/moments.ts';

/** One model's replicates, drawn with the same indices (or KID subsets) as every other model's, so two can be differenced. */
export interface PairedDraws {
  kind: 'bootstrap' | 'subsets';
  values: Float64Array;
}

export interface BootstrapOptions {
  seed: number;
  /** Number of resamples; 0 computes no interval. */
  bootstrapResamples: number;
}

export interface Estimate {
  value: number;
  interval?: [number, number];
  /**
   * The resampled values whose central 95% is the interval (recentred where
   * the interval is). Every model of a run draws the same indices (same seed,
   * same n), so replicate b of two models is a paired draw: see paired-difference.ts.
   */
  replicates?: Float64Array;
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
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The central 95% of the resampled values. */
export function percentileInterval(values: ArrayLike<number>): [number, number] {
  const sorted = Float64Array.from(values).sort();
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
}

/** How often each of n samples appears in one resample of size n. */
export function resampleCounts(rng: Rng, n: number): Int32Array {
  const counts = new Int32Array(n);
  for (const i of rng.resample(n)) counts[i]!++;
  return counts;
}

export function withInterval(
  estimate: Estimate,
  n: number,
): { value: number; interval?: [number, number]; paired?: PairedDraws; n: number } {
  if (!estimate.interval) return { value: estimate.value, n };
  return {
    value: estimate.value,
    interval: estimate.interval,
    ...(estimate.replicates ? { paired: { kind: 'bootstrap', values: estimate.replicates } } : {}),
    n,
  };
}

/**
 * FID, and its interval from the generated set's resampled moments. A
 * resample repeats rows, which inflates the plug-in FID of every replicate
 * (for a good model by more than the interval is wide, so the estimate fell
 * below its own interval); as for recall and coverage, the percentile
 * interval is recentred on the estimate, keeping its width. FID ≥ 0 bounds it.
 */
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
    for (let r = 0; r < rows.length; r++) resampled.data.set(fake.data.subarray(rows[r]! * d, rows[r]! * d + d), r * d);
    values[b] = fidFromStats(realStats, statsFromFeatures(resampled));
  }
  const [lo, hi] = percentileInterval(values);
  const shift = value - mean(values);
  return { value, interval: [Math.max(0, lo + shift), hi + shift], replicates: values.map((v) => v + shift) };
}

export type PrdcEstimates = Record<keyof PrdcResult, Estimate>;

/**
 * Precision, recall, F1, density and coverage, each with its interval when
 * resamples are asked for. Every replicate resamples both sets, with the k-NN
 * radii of the full sets held fixed (so duplicates never shrink a ball):
 * precision and density average over the generated samples drawn; recall and
 * coverage average over the real samples drawn, each covered only by the
 * generated samples drawn.
 *
 * A resample holds only ~63% distinct generated samples, so recall and
 * coverage (and F1 through recall) come out lower in every replicate than on
 * the full set; their percentile intervals are therefore recentred on the
 * estimate (shifted by estimate − mean of the replicates), which keeps the
 * width — the variability from both sets — without the shrinkage bias.
 */
export function prdcWithIntervals(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: BootstrapOptions & { prK: number; prdcK: number; pairsPerRow?: number },
): PrdcEstimates {
  const wantIntervals = options.bootstrapResamples > 0;
  const c = prdcContributions(real, fake, {
    prK: options.prK,
    prdcK: options.prdcK,
    pairs: wantIntervals,
    pairsPerRow: options.pairsPerRow,
  });
  const m = fake.rows;
  const n = real.rows;
  const sumOver = (values: ArrayLike<number>, weights: Int32Array | null) => {
    let s = 0;
    for (let j = 0; j < values.length; j++) s += weights ? weights[j]! * values[j]! : values[j]!;
    return s;
  };
  const point = prdcFromCounts(
    sumOver(c.insideReal, null) / m,
    sumOver(c.realCovered, null) / n,
    sumOver(c.densityCounts, null) / m,
    sumOver(c.realCoveredByNearest, null) / n,
    c.prdcK,
  );
  const ids = ['precision', 'recall', 'f1', 'density', 'coverage'] as const;
  if (!wantIntervals || !c.pairs)
    return Object.fromEntries(ids.map((id) => [id, { value: point[id] }])) as PrdcEstimates;

  const pairs = c.pairs;
  const rng = bootstrapRng(options.seed);
  const draws = ids.map(() => new Float64Array(options.bootstrapResamples));
  for (let b = 0; b < options.bootstrapResamples; b++) {
    const fakeCounts = resampleCounts(rng, m);
    const realCounts = resampleCounts(rng, n);
    const r = prdcFromCounts(
      sumOver(c.insideReal, fakeCounts) / m,
      coveredShare(pairs.recall, realCounts, fakeCounts),
      sumOver(c.densityCounts, fakeCounts) / m,
      coveredShare(pairs.coverage, realCounts, fakeCounts),
      c.prdcK,
    );
    ids.forEach((id, q) => (draws[q]![b] = r[id]));
  }
  const recentred = new Set<string>(['recall', 'coverage', 'f1']);
  return Object.fromEntries(
    ids.map((id, q) => {
      const [lo, hi] = percentileInterval(draws[q]!);
      const shift = recentred.has(id) ? point[id] - mean(draws[q]!) : 0;
      return [
        id,
        { value: point[id], interval: [lo + shift, hi + shift], replicates: draws[q]!.map((v) => v + shift) },
      ];
    }),
  ) as PrdcEstimates;
}

/** Share of drawn real rows (weighted by how often drawn) with at least one listed generated item drawn. */
function coveredShare(lists: CoverLists, realCounts: Int32Array, fakeCounts: Int32Array): number {
  const rows = lists.offsets.length - 1;
  let covered = 0;
  for (let i = 0; i < rows; i++) {
    if (realCounts[i] === 0) continue;
    let hit = false;
    for (let p = lists.offsets[i]!; p < lists.offsets[i + 1]! && !hit; p++) hit = fakeCounts[lists.items[p]!]! > 0;
    // A list cut short: look past its kept items (rare, see PAIRS_PER_ROW).
    if (!hit && lists.truncated[i]) hit = lists.beyond(i, fakeCounts);
    if (hit) covered += realCounts[i]!;
  }
  return covered / rows;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
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
    for (const i of rng.resample(n)) s += values[i]!;
    draws[b] = s / n;
  }
  return { value: sum / n, interval: percentileInterval(draws), replicates: draws };
}
