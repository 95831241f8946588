/**
 * Paired differences between two models measured on the same rows. Every
 * model is scored on the same test images (density) and the same seeded
 * bootstrap indices of the shared real set and of the latent stream
 * (sample-based metrics), so the question "does A clearly beat B" is
 * answered by the interval of A − B row by row, not by whether A's and B's
 * own intervals overlap: the shared noise (a hard test image, an unlucky
 * resample) cancels in the difference, and overlap is far more lenient than
 * a 95% test besides.
 */
import { percentileInterval, type PairedDraws } from './bootstrap.ts';

/**
 * Values of one model that pair index by index with another model's:
 * 'bootstrap' replicates drawn with the same resample indices, or KID's MMD²
 * on the same seeded 'subsets'.
 */
/** A value with its 95% interval (the report's Estimate95 has this shape). */
export interface Estimate95 {
  value: number;
  low: number;
  high: number;
}

export type { PairedDraws };

/**
 * a − b from two models' bootstrap replicates drawn with identical indices
 * (replicate k of each used the same resample): value a − b, and the central
 * 95% of the replicate-wise differences. Replicates that are recentred on
 * their estimate (bootstrap.ts) give the recentred difference interval.
 * null when the replicates cannot be paired (different resample counts).
 */
export function pairedBootstrapDifference(
  a: { value: number; replicates: Float64Array },
  b: { value: number; replicates: Float64Array },
): Estimate95 | null {
  const count = a.replicates.length;
  if (count === 0 || count !== b.replicates.length) return null;
  const differences = new Float64Array(count);
  for (let k = 0; k < count; k++) differences[k] = a.replicates[k]! - b.replicates[k]!;
  const [low, high] = percentileInterval(differences);
  return { value: a.value - b.value, low, high };
}

/**
 * The mean of a_i − b_i over shared rows (the same test images, in the same
 * order) with its normal 95% interval, mean ± 1.96 sd/√n. null when the rows
 * do not pair (different counts) or there is only one (no sd).
 */
export function pairedMeanDifference(a: ArrayLike<number>, b: ArrayLike<number>): Estimate95 | null {
  if (a.length !== b.length || a.length < 2) return null;
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i]! - b[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i]! - b[i]! - mean) ** 2;
  // As density/nll-summary.ts does for one model (not imported: density is a later stage).
  const half = (Z95 * Math.sqrt(ss / (n - 1))) / Math.sqrt(n);
  return { value: mean, low: mean - half, high: mean + half };
}

const Z95 = 1.959963984540054;

/** A lead is clear when the paired 95% interval of the difference excludes 0. */
export function excludesZero(difference: Estimate95): boolean {
  return difference.low > 0 || difference.high < 0;
}
