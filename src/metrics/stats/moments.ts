/**
 * Mean and covariance of a feature matrix, in float64: the Gaussian summary
 * FID compares. Covariance uses ddof = 1, as numpy's `np.cov(rowvar=False)`
 * does in pytorch-fid and torch-fidelity.
 */
import type { FeatureMatrix } from '../../core/types.ts';

export interface FeatureStats {
  /** Length d. */
  mean: Float64Array;
  /** d × d, row-major, symmetric. */
  cov: Float64Array;
  /** Number of rows the stats were computed from. */
  n: number;
}

export interface MomentsOptions {
  /** Rows per block: a transposed block of d × blockRows doubles should sit in cache. */
  blockRows?: number;
}

const DEFAULT_BLOCK_ROWS = 64;

/**
 * Two passes: the mean first, then Xcᵀ·Xc over centred rows, so that large
 * feature offsets do not cancel catastrophically. Rows are taken in blocks
 * and transposed, so every product inside a block is a contiguous dot
 * product of length blockRows; only the upper triangle is accumulated.
 */
export function statsFromFeatures(m: FeatureMatrix, options: MomentsOptions = {}): FeatureStats {
  const { rows: n, cols: d, data } = m;
  if (n < 2) throw new Error(`feature stats: need at least 2 rows for a covariance, got ${n}`);
  const blockRows = Math.max(1, Math.min(options.blockRows ?? DEFAULT_BLOCK_ROWS, n));

  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) mean[j] += data[r + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;

  const cov = new Float64Array(d * d);
  const block = new Float64Array(d * blockRows); // block[j·blockRows + b] = Xc[start + b, j]
  for (let start = 0; start < n; start += blockRows) {
    const size = Math.min(blockRows, n - start);
    for (let b = 0; b < size; b++) {
      const r = (start + b) * d;
      for (let j = 0; j < d; j++) block[j * blockRows + b] = data[r + j] - mean[j];
    }
    for (let j = 0; j < d; j++) {
      const bj = j * blockRows;
      const cj = j * d;
      for (let k = j; k < d; k++) {
        const bk = k * blockRows;
        let s = 0;
        for (let b = 0; b < size; b++) s += block[bj + b] * block[bk + b];
        cov[cj + k] += s;
      }
    }
  }

  const scale = 1 / (n - 1);
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = cov[j * d + k] * scale;
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { mean, cov, n };
}
