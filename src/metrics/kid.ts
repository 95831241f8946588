/**
 * Kernel Inception Distance as torch-fidelity computes it (metric_kid.py):
 * the unbiased MMD² estimate with the cubic polynomial kernel
 * k(x, y) = (x·y/d + 1)³, averaged over `subsets` random subsets of
 * `subsetSize` rows drawn without replacement from each set (real first,
 * then fake, for every subset). The spread is np.std(mmds), i.e. the
 * population standard deviation (ddof = 0) over subsets, not a standard error.
 *
 * Where torch-fidelity refuses a subset size larger than either set, we use
 * min(subsetSize, nReal, nFake), as DESIGN.md asks.
 *
 * Inner products come from OpenBLAS (dsyrk/dgemm, float64) where it loads,
 * else from the plain-JS kernel; the two agree to rounding (~1e-15 relative).
 */
import { Rng } from '../core/rng.ts';
import type { FeatureMatrix } from '../core/types.ts';
import { innerProductsBlock } from './stats/inner-products.ts';
import { openBlas, type Blas } from './stats/openblas.ts';
import { blockRowsFor } from './stats/pairwise-distances.ts';

export const KID_SUBSETS = 100;
export const KID_SUBSET_SIZE = 1000;

export interface KidOptions {
  seed: number;
  subsets?: number;
  subsetSize?: number;
}

export interface KidResult {
  mean: number;
  /** Population standard deviation (ddof = 0) over subsets, as torch-fidelity. */
  std: number;
  subsets: number;
  subsetSize: number;
  /** MMD² per subset. The subsets are the same for every model of a run (same seed, same set sizes), so two models pair subset by subset. */
  perSubset: Float64Array;
}

export function kidFromFeatures(real: FeatureMatrix, fake: FeatureMatrix, options: KidOptions): KidResult {
  if (real.cols !== fake.cols) throw new Error(`KID: feature dimensions differ (${real.cols} vs ${fake.cols})`);
  const subsets = options.subsets ?? KID_SUBSETS;
  const subsetSize = Math.min(options.subsetSize ?? KID_SUBSET_SIZE, real.rows, fake.rows);
  if (subsetSize < 2) throw new Error(`KID: need at least 2 rows in each set, got ${real.rows} and ${fake.rows}`);
  if (subsets < 1) throw new Error(`KID: need at least 1 subset, got ${subsets}`);

  const rng = new Rng(options.seed);
  const d = real.cols;
  const x = new Float64Array(subsetSize * d);
  const y = new Float64Array(subsetSize * d);
  const mmds = new Float64Array(subsets);
  for (let s = 0; s < subsets; s++) {
    gatherRows(real, rng.choose(real.rows, subsetSize), x);
    gatherRows(fake, rng.choose(fake.rows, subsetSize), y);
    mmds[s] = polynomialMmd2(x, y, subsetSize, d);
  }

  let mean = 0;
  for (const v of mmds) mean += v;
  mean /= subsets;
  let variance = 0;
  for (const v of mmds) variance += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(variance / subsets), subsets, subsetSize, perSubset: mmds };
}

/**
 * Unbiased MMD² between two m-row samples x and y (row-major, d columns):
 *   Σ_{i≠j} k(x_i,x_j)/(m(m−1)) + Σ_{i≠j} k(y_i,y_j)/(m(m−1)) − 2·Σ_{i,j} k(x_i,y_j)/m²
 * (torch-fidelity's mmd2 with mmd_est='unbiased': the cross term keeps its diagonal).
 */
export function polynomialMmd2(
  x: Float64Array,
  y: Float64Array,
  m: number,
  d: number,
  blas: Blas | null = openBlas(),
): number {
  const sums = !blas
    ? kernelSumsJs(x, y, m, d)
    : m <= WHOLE_GRAM_ROWS
      ? kernelSumsBlas(x, y, m, d, blas)
      : kernelSumsBlasBlocked(x, y, m, d, blas);
  return (2 * sums.belowXX + 2 * sums.belowYY) / (m * (m - 1)) - (2 * sums.cross) / (m * m);
}

interface KernelSums {
  /** Σ_{j<i} k(x_i, x_j) */
  belowXX: number;
  /** Σ_{j<i} k(y_i, y_j) */
  belowYY: number;
  /** Σ_{i,j} k(x_i, y_j) */
  cross: number;
}

function kernelSumsJs(x: Float64Array, y: Float64Array, m: number, d: number): KernelSums {
  return {
    belowXX: kernelSumBelowDiagonal(x, m, d),
    belowYY: kernelSumBelowDiagonal(y, m, d),
    cross: kernelSumCross(x, y, m, d),
  };
}

/** The Gram matrices by dsyrk (one triangle) and dgemm; m × m doubles each, reused. */
function kernelSumsBlas(x: Float64Array, y: Float64Array, m: number, d: number, blas: Blas): KernelSums {
  const gram = new Float64Array(m * m);
  const gamma = 1 / d;
  const strictUpperSum = (): number => {
    let sum = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) sum += cubicKernel(gram[i * m + j]!, gamma);
    return sum;
  };
  blas.rowGramUpper(x, m, d, gram);
  const belowXX = strictUpperSum();
  blas.rowGramUpper(y, m, d, gram);
  const belowYY = strictUpperSum();
  blas.productWithTranspose(x, m, y, m, d, 1, gram);
  let cross = 0;
  for (let k = 0; k < m * m; k++) cross += cubicKernel(gram[k]!, gamma);
  return { belowXX, belowYY, cross };
}

/** Up to here (32 MiB of Gram matrix) one m × m product; beyond, blocks of rows, so memory never grows with m². */
const WHOLE_GRAM_ROWS = 2048;

/** As kernelSumsBlas, a block of rows at a time: block × m doubles, for subsets too large for an m × m matrix. */
function kernelSumsBlasBlocked(x: Float64Array, y: Float64Array, m: number, d: number, blas: Blas): KernelSums {
  const step = blockRowsFor(m);
  const out = new Float64Array(step * m);
  const gamma = 1 / d;
  const upperSum = (a: Float64Array): number => {
    let sum = 0;
    for (let start = 0; start < m; start += step) {
      const end = Math.min(start + step, m);
      // Rows [start, end) against rows [start, m): the strict upper triangle lies in it.
      const width = m - start;
      blas.productWithTranspose(a.subarray(start * d, end * d), end - start, a.subarray(start * d), width, d, 1, out);
      for (let i = start; i < end; i++) {
        const row = (i - start) * width - start;
        for (let j = i + 1; j < m; j++) sum += cubicKernel(out[row + j]!, gamma);
      }
    }
    return sum;
  };
  let cross = 0;
  for (let start = 0; start < m; start += step) {
    const end = Math.min(start + step, m);
    blas.productWithTranspose(x.subarray(start * d, end * d), end - start, y, m, d, 1, out);
    for (let k = 0, len = (end - start) * m; k < len; k++) cross += cubicKernel(out[k]!, gamma);
  }
  return { belowXX: upperSum(x), belowYY: upperSum(y), cross };
}

const BLOCK_ROWS = 32;

/** Σ_{j<i} k(a_i, a_j): the Gram matrix is symmetric, so half of it is enough. */
function kernelSumBelowDiagonal(a: Float64Array, m: number, d: number): number {
  const out = new Float64Array(BLOCK_ROWS * m);
  const gamma = 1 / d;
  let sum = 0;
  for (let start = 0; start < m; start += BLOCK_ROWS) {
    const end = Math.min(start + BLOCK_ROWS, m);
    innerProductsBlock(a, start, end, a, end, d, out);
    for (let i = start; i < end; i++) {
      const row = (i - start) * end;
      for (let j = 0; j < i; j++) sum += cubicKernel(out[row + j]!, gamma);
    }
  }
  return sum;
}

function kernelSumCross(a: Float64Array, b: Float64Array, m: number, d: number): number {
  const out = new Float64Array(BLOCK_ROWS * m);
  const gamma = 1 / d;
  let sum = 0;
  for (let start = 0; start < m; start += BLOCK_ROWS) {
    const end = Math.min(start + BLOCK_ROWS, m);
    innerProductsBlock(a, start, end, b, m, d, out);
    for (let k = 0, len = (end - start) * m; k < len; k++) sum += cubicKernel(out[k]!, gamma);
  }
  return sum;
}

/** torch-fidelity's defaults: degree 3, gamma = 1/d, coef0 = 1 (multiplied by gamma, as numpy does). */
function cubicKernel(dot: number, gamma: number): number {
  const t = dot * gamma + 1;
  return t * t * t;
}

function gatherRows(m: FeatureMatrix, rows: Int32Array, out: Float64Array): void {
  const d = m.cols;
  for (let r = 0; r < rows.length; r++) out.set(m.data.subarray(rows[r]! * d, rows[r]! * d + d), r * d);
}
