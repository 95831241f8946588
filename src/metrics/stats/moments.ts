/**
 * Mean and covariance of a feature matrix, in float64: the Gaussian summary
 * FID compares. Covariance uses ddof = 1, as numpy's `np.cov(rowvar=False)`
 * does in pytorch-fid and torch-fidelity.
 */
import type { FeatureMatrix } from '../../core/types.ts';
import { openBlas, type Blas } from './openblas.ts';

export interface FeatureStats {
  /** Length d. */
  mean: Float64Array;
  /** d × d, row-major, symmetric. */
  cov: Float64Array;
  /** Number of rows the stats were computed from. */
  n: number;
}

export interface MomentsOptions {
  /** Rows per block; results do not depend on it beyond rounding. */
  blockRows?: number;
  /** OpenBLAS to use; null forces the plain-JS route; default: openBlas(). */
  blas?: Blas | null;
}

/** JS: a transposed block of d × 64 doubles sits in cache. */
const JS_BLOCK_ROWS = 64;
/** BLAS: large enough for dsyrk to run at full speed, small enough to copy cheaply. */
const BLAS_BLOCK_ROWS = 512;

/**
 * Two passes: the mean first, then Xcᵀ·Xc over centred rows, so that large
 * feature offsets do not cancel catastrophically. With OpenBLAS the centred
 * rows go to dsyrk a block at a time; otherwise blocks are transposed so
 * that every product is a contiguous JS dot product. Only the upper
 * triangle is accumulated, then mirrored.
 */
export function statsFromFeatures(m: FeatureMatrix, options: MomentsOptions = {}): FeatureStats {
  const { rows: n, cols: d } = m;
  if (n < 2) throw new Error(`feature stats: need at least 2 rows for a covariance, got ${n}`);
  const blas = options.blas === undefined ? openBlas() : options.blas;
  // Float32 features as read (feature-files.ts): every value is widened to
  // float64 as it is used, the same values a float64 copy would hold.
  const values: Values = m.float32 ?? m.data;

  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) mean[j]! += values[r + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;

  const cov = blas
    ? scatterUpperBlas(values, n, d, mean, Math.max(1, Math.min(options.blockRows ?? BLAS_BLOCK_ROWS, n)), blas)
    : scatterUpperJs(values, n, d, mean, Math.max(1, Math.min(options.blockRows ?? JS_BLOCK_ROWS, n)));

  scaleAndMirror(cov, d, 1 / (n - 1));
  return { mean, cov, n };
}

/** Upper triangle × scale, mirrored into the lower one, in tiles so that the column-wise writes stay in cache. */
function scaleAndMirror(cov: Float64Array, d: number, scale: number): void {
  const TILE = 64;
  for (let j0 = 0; j0 < d; j0 += TILE) {
    for (let k0 = j0; k0 < d; k0 += TILE) {
      const jEnd = Math.min(j0 + TILE, d);
      const kEnd = Math.min(k0 + TILE, d);
      for (let j = j0; j < jEnd; j++) {
        for (let k = Math.max(k0, j); k < kEnd; k++) {
          const v = cov[j * d + k]! * scale;
          cov[j * d + k] = v;
          cov[k * d + j] = v;
        }
      }
    }
  }
}

type Values = Float32Array | Float64Array;

function centredBlock(
  values: Values,
  d: number,
  mean: Float64Array,
  start: number,
  size: number,
  out: Float64Array,
): void {
  for (let b = 0; b < size; b++) {
    const r = (start + b) * d;
    for (let j = 0; j < d; j++) out[b * d + j] = values[r + j]! - mean[j]!;
  }
}

/** Upper triangle of Xcᵀ·Xc by dsyrk over blocks of centred rows. */
function scatterUpperBlas(
  values: Values,
  n: number,
  d: number,
  mean: Float64Array,
  blockRows: number,
  blas: Blas,
): Float64Array {
  const cov = new Float64Array(d * d);
  const block = new Float64Array(blockRows * d);
  for (let start = 0; start < n; start += blockRows) {
    const size = Math.min(blockRows, n - start);
    centredBlock(values, d, mean, start, size, block);
    blas.addColumnGramUpper(block, size, d, cov);
  }
  return cov;
}

/** Upper triangle of Xcᵀ·Xc in plain JS; block[j·blockRows + b] = Xc[start + b, j]. */
function scatterUpperJs(data: Values, n: number, d: number, mean: Float64Array, blockRows: number): Float64Array {
  const cov = new Float64Array(d * d);
  const block = new Float64Array(d * blockRows);
  for (let start = 0; start < n; start += blockRows) {
    const size = Math.min(blockRows, n - start);
    for (let b = 0; b < size; b++) {
      const r = (start + b) * d;
      for (let j = 0; j < d; j++) block[j * blockRows + b] = data[r + j]! - mean[j]!;
    }
    for (let j = 0; j < d; j++) {
      const bj = j * blockRows;
      const cj = j * d;
      for (let k = j; k < d; k++) {
        const bk = k * blockRows;
        let s = 0;
        for (let b = 0; b < size; b++) s += block[bj + b]! * block[bk + b]!;
        cov[cj + k]! += s;
      }
    }
  }
  return cov;
}
