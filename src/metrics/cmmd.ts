/**
 * CMMD (Jayasumana et al. 2024, "Rethinking FID"): the unbiased MMD² between
 * real and generated features with the Gaussian RBF kernel
 * k(x, y) = exp(−‖x − y‖² / (2σ²)), σ = 10, scaled by 1000:
 *   1000 · [ Σ_{i≠j} k(x_i, x_j)/(m(m−1)) + Σ_{i≠j} k(y_i, y_j)/(n(n−1)) − 2 Σ_{i,j} k(x_i, y_j)/(mn) ].
 * Meant for CLIP embeddings; defined in any feature space. (The paper's
 * released code averages over all pairs, diagonal included, the biased
 * V-statistic; this is the unbiased estimator the paper states.) Kernel
 * sums run over distance blocks, float64: memory bounded by the block.
 */
import { inputError } from '../core/errors.ts';
import type { FeatureMatrix } from '../core/types.ts';
import { blockRowsFor, squaredDistancesBlock, withRowNorms, type RowNorms } from './stats/pairwise-distances.ts';

export const CMMD_SIGMA = 10;
export const CMMD_SCALE = 1000;

/** Σ k(a_i, b_j) over all i, j (diagonal included when a is b). */
function kernelSum(a: RowNorms, b: RowNorms, gamma: number): number {
  const width = b.matrix.rows;
  const step = blockRowsFor(width);
  const block = new Float64Array(step * width);
  let sum = 0;
  for (let start = 0; start < a.matrix.rows; start += step) {
    const end = Math.min(a.matrix.rows, start + step);
    squaredDistancesBlock(a, { start, end }, b, { start: 0, end: width }, block);
    for (let k = 0, len = (end - start) * width; k < len; k++) sum += Math.exp(-gamma * block[k]!);
  }
  return sum;
}

export function cmmdFromFeatures(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  sigma = CMMD_SIGMA,
  scale = CMMD_SCALE,
): number {
  const m = real.rows;
  const n = fake.rows;
  if (m < 2 || n < 2)
    throw inputError(undefined, `CMMD needs at least 2 real and 2 generated samples (got ${m} and ${n})`);
  const gamma = 1 / (2 * sigma * sigma);
  const x = withRowNorms(real);
  const y = withRowNorms(fake);
  // k(x, x) = 1 exactly, so the diagonal contributes m (and n) to the full sums.
  const xx = (kernelSum(x, x, gamma) - m) / (m * (m - 1));
  const yy = (kernelSum(y, y, gamma) - n) / (n * (n - 1));
  const xy = kernelSum(x, y, gamma) / (m * n);
  return scale * (xx + yy - 2 * xy);
}
