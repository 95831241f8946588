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

/** Float32 values are widened to float64 as they are used: the same values a float64 copy would hold. */
type Values = Float32Array | Float64Array;

/** An n × d matrix a block of rows at a time: held in memory, or streamed from a file. */
export interface RowBlocks {
  rows: number;
  cols: number;
  /** Rows [start, start + count), row-major; valid until the next call. */
  read(start: number, count: number): Values;
  /**
   * Called when a mean came out NaN or ±∞ (before any product is formed), so
   * that a source whose values were not checked can name the bad one; it
   * throws, or returns where every value is finite (a float64 sum overflowed).
   */
  nonFiniteMean?(): void;
}

/** JS: a transposed block of d × 64 doubles sits in cache. */
const JS_BLOCK_ROWS = 64;
/** BLAS: large enough for dsyrk to run at full speed, small enough to copy cheaply. */
const BLAS_BLOCK_ROWS = 512;

/** Mean and covariance of a feature matrix in memory (float32 features as read are used as they are). */
export function statsFromFeatures(m: FeatureMatrix, options: MomentsOptions = {}): FeatureStats {
  const d = m.cols;
  // Float32 features as read (feature-files.ts): no float64 copy is made.
  const values: Values = m.float32 ?? m.data;
  return statsFromRows(
    { rows: m.rows, cols: d, read: (start, count) => values.subarray(start * d, (start + count) * d) },
    options,
  );
}

/**
 * Two passes: the mean first, then Xcᵀ·Xc over centred rows, so that large
 * feature offsets do not cancel catastrophically. With OpenBLAS the centred
 * rows go to dsyrk a block at a time; otherwise blocks are transposed so
 * that every product is a contiguous JS dot product. Only the upper
 * triangle is accumulated, then mirrored. Both passes read the rows in
 * blocks, so a file need never be held whole.
 */
export function statsFromRows(source: RowBlocks, options: MomentsOptions = {}): FeatureStats {
  const { rows: n, cols: d } = source;
  if (n < 2) throw new Error(`feature stats: need at least 2 rows for a covariance, got ${n}`);
  const blas = options.blas === undefined ? openBlas() : options.blas;
  const blockRows = Math.max(1, Math.min(options.blockRows ?? (blas ? BLAS_BLOCK_ROWS : JS_BLOCK_ROWS), n));

  const mean = new Float64Array(d);
  for (let start = 0; start < n; start += blockRows) {
    const size = Math.min(blockRows, n - start);
    const values = source.read(start, size);
    for (let r = 0; r < size * d; r += d) {
      for (let j = 0; j < d; j++) mean[j]! += values[r + j]!;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  if (source.nonFiniteMean && !mean.every(Number.isFinite)) source.nonFiniteMean();

  const cov = blas ? scatterUpperBlas(source, mean, blockRows, blas) : scatterUpperJs(source, mean, blockRows);

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

function centredBlock(values: Values, d: number, mean: Float64Array, size: number, out: Float64Array): void {
  for (let b = 0; b < size; b++) {
    const r = b * d;
    for (let j = 0; j < d; j++) out[r + j] = values[r + j]! - mean[j]!;
  }
}

/** Upper triangle of Xcᵀ·Xc by dsyrk over blocks of centred rows. */
function scatterUpperBlas(source: RowBlocks, mean: Float64Array, blockRows: number, blas: Blas): Float64Array {
  const { rows: n, cols: d } = source;
  const cov = new Float64Array(d * d);
  const block = new Float64Array(blockRows * d);
  for (let start = 0; start < n; start += blockRows) {
    const size = Math.min(blockRows, n - start);
    centredBlock(source.read(start, size), d, mean, size, block);
    blas.addColumnGramUpper(block, size, d, cov);
  }
  return cov;
}

/** Upper triangle of Xcᵀ·Xc in plain JS; block[j·blockRows + b] = Xc[start + b, j]. */
function scatterUpperJs(source: RowBlocks, mean: Float64Array, blockRows: number): Float64Array {
  const { rows: n, cols: d } = source;
  const cov = new Float64Array(d * d);
  const block = new Float64Array(d * blockRows);
  for (let start = 0; start < n; start += blockRows) {
    const size = Math.min(blockRows, n - start);
    const data = source.read(start, size);
    for (let b = 0; b < size; b++) {
      const r = b * d;
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
