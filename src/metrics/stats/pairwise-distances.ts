/**
 * Euclidean distances between rows, a block of rows at a time, so that no
 * n × m matrix is ever held. Same expansion as sklearn's euclidean_distances
 * (used by clovaai prdc): √max(−2·x·y + ‖x‖² + ‖y‖², 0), in that order.
 */
import { innerProductsBlock, rowSquaredNorms } from './inner-products.ts';
import type { FeatureMatrix } from '../../core/types.ts';

export interface RowNorms {
  matrix: FeatureMatrix;
  squaredNorms: Float64Array;
}

export function withRowNorms(matrix: FeatureMatrix): RowNorms {
  return { matrix, squaredNorms: rowSquaredNorms(matrix.data, matrix.rows, matrix.cols) };
}

/**
 * out[(i − start)·b.rows + j] = ‖a_i − b_j‖ for i in [start, end), all j.
 * `out` needs (end − start)·b.rows entries.
 */
export function distancesBlock(a: RowNorms, start: number, end: number, b: RowNorms, out: Float64Array): void {
  const bRows = b.matrix.rows;
  innerProductsBlock(a.matrix.data, start, end, b.matrix.data, bRows, a.matrix.cols, out);
  const an = a.squaredNorms;
  const bn = b.squaredNorms;
  for (let i = start; i < end; i++) {
    const row = (i - start) * bRows;
    for (let j = 0; j < bRows; j++) {
      const sq = -2 * out[row + j] + an[i] + bn[j];
      out[row + j] = sq > 0 ? Math.sqrt(sq) : 0;
    }
  }
}
