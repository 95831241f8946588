/**
 * Squared Euclidean distances between rows, a block at a time, so that no
 * n × m matrix is ever held. Same expansion as sklearn's euclidean_distances
 * (used by clovaai prdc): max(−2·x·y + ‖x‖² + ‖y‖², 0), in that order; the
 * square root is left to the caller (see sqrt-thresholds.ts), because
 * comparisons can be made exactly on squares and most distances are only
 * compared. Inner products by OpenBLAS dgemm (float64) where it loads, else
 * by the plain-JS kernel.
 */
import { innerProductsBlock, rowSquaredNorms } from './inner-products.ts';
import type { FeatureMatrix } from '../../core/types.ts';
import { openBlas, type Blas } from './openblas.ts';

export interface RowNorms {
  matrix: FeatureMatrix;
  squaredNorms: Float64Array;
}

export function withRowNorms(matrix: FeatureMatrix): RowNorms {
  return { matrix, squaredNorms: rowSquaredNorms(matrix.data, matrix.rows, matrix.cols) };
}

/** A half-open range of rows. */
export interface RowRange {
  start: number;
  end: number;
}

/**
 * out[(i − rows.start)·width + (j − cols.start)] = ‖a_i − b_j‖² for i in
 * `rows` of a and j in `cols` of b, width = cols.end − cols.start. `out`
 * needs (rows.end − rows.start)·width entries.
 */
export function squaredDistancesBlock(
  a: RowNorms,
  rows: RowRange,
  b: RowNorms,
  cols: RowRange,
  out: Float64Array,
  blas: Blas | null = openBlas(),
): void {
  minusTwoInnerProductsBlock(a, rows, b, cols, out, blas);
  const width = cols.end - cols.start;
  const an = a.squaredNorms;
  const bn = b.squaredNorms;
  for (let i = rows.start; i < rows.end; i++) {
    const row = (i - rows.start) * width - cols.start;
    const ni = an[i]!;
    for (let j = cols.start; j < cols.end; j++) out[row + j] = squaredFromProduct(out[row + j]!, ni, bn[j]!);
  }
}

/**
 * The first half of squaredDistancesBlock: out holds −2·a_i·b_j, laid out as
 * there. A caller that visits every entry once anyway (k-NN radii, PRDC)
 * finishes each with squaredFromProduct as it reads it, which saves a
 * write-and-read pass over the block and gives the same bits.
 */
export function minusTwoInnerProductsBlock(
  a: RowNorms,
  rows: RowRange,
  b: RowNorms,
  cols: RowRange,
  out: Float64Array,
  blas: Blas | null = openBlas(),
): void {
  const d = a.matrix.cols;
  const width = cols.end - cols.start;
  const bRows = b.matrix.data.subarray(cols.start * d, cols.end * d);
  if (blas) {
    // α = −2 in dgemm is an exact scaling, so this equals −2·(x·y) term by term.
    blas.productWithTranspose(
      a.matrix.data.subarray(rows.start * d, rows.end * d),
      rows.end - rows.start,
      bRows,
      width,
      d,
      -2,
      out,
    );
  } else {
    innerProductsBlock(a.matrix.data, rows.start, rows.end, bRows, width, d, out);
    for (let k = 0, len = (rows.end - rows.start) * width; k < len; k++) out[k]! *= -2;
  }
}

/** ‖x − y‖² from −2·x·y and the squared norms, in sklearn's order of operations, clamped at 0. */
export function squaredFromProduct(minusTwoDot: number, xNorm: number, yNorm: number): number {
  return Math.max(minusTwoDot + xNorm + yNorm, 0);
}

/** Rows per block so that one block of `width` doubles stays near 16 MiB (at least 1, at most `cap`). */
export function blockRowsFor(width: number, cap = 512): number {
  return Math.max(1, Math.min(cap, Math.floor((2 * 1024 * 1024) / Math.max(1, width))));
}
