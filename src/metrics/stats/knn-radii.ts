/**
 * k-nearest-neighbour radii within one set: for each row, the distance to
 * its k-th nearest other row. As in clovaai prdc, this is the (k+1)-th
 * smallest distance in the row's full distance list, self included; with
 * duplicate rows that counts a duplicate as a neighbour at distance 0.
 *
 * Distances are symmetric, so only tiles on and above the diagonal are
 * computed, each pair once as (lower index, higher index): the value is the
 * same whatever the tile size, and every distance updates both rows' lists.
 * Lists hold squared distances; √ of the k-th smallest square is the k-th
 * smallest distance exactly, since √ is monotone.
 */
import { openBlas, type Blas } from './openblas.ts';
import type { FeatureMatrix } from '../../core/types.ts';
import { minusTwoInnerProductsBlock, withRowNorms, type RowNorms } from './pairwise-distances.ts';

export interface KnnOptions {
  /** Tile side in rows; results do not depend on it. */
  tileRows?: number;
  blas?: Blas | null;
}

const DEFAULT_TILE_ROWS = 512;

/** One radius array per requested k, in the order of `ks`. */
export function kthNeighbourRadii(set: RowNorms, ks: readonly number[], options: KnnOptions = {}): Float64Array[] {
  const n = set.matrix.rows;
  const kMax = Math.max(...ks);
  if (kMax >= n) throw new Error(`k-NN radii: k = ${kMax} needs more than ${n} rows`);
  const blas = options.blas === undefined ? openBlas() : options.blas;
  const tile = Math.max(1, options.tileRows ?? DEFAULT_TILE_ROWS);
  const keep = kMax + 1;
  // smallest[i·keep ..] ascending: the keep smallest squared distances of row i so far, self (0) included.
  const smallest = new Float64Array(n * keep).fill(Infinity);
  for (let i = 0; i < n; i++) insertSmallest(smallest, i * keep, keep, 0);

  const out = new Float64Array(tile * tile);
  const norms = set.squaredNorms;
  for (let rowStart = 0; rowStart < n; rowStart += tile) {
    const rows = { start: rowStart, end: Math.min(rowStart + tile, n) };
    for (let colStart = rowStart; colStart < n; colStart += tile) {
      const cols = { start: colStart, end: Math.min(colStart + tile, n) };
      const width = cols.end - cols.start;
      minusTwoInnerProductsBlock(set, rows, set, cols, out, blas);
      for (let i = rows.start; i < rows.end; i++) {
        const row = (i - rows.start) * width - cols.start;
        const iList = i * keep;
        const iLast = iList + kMax;
        const ni = norms[i]!;
        for (let j = Math.max(cols.start, i + 1); j < cols.end; j++) {
          const sq = Math.max(out[row + j]! + ni + norms[j]!, 0); // squaredFromProduct, written out in the hot loop
          if (sq < smallest[iLast]!) insertSmallest(smallest, iList, keep, sq);
          if (sq < smallest[j * keep + kMax]!) insertSmallest(smallest, j * keep, keep, sq);
        }
      }
    }
  }
  return ks.map((k) => {
    const radii = new Float64Array(n);
    for (let i = 0; i < n; i++) radii[i] = Math.sqrt(smallest[i * keep + k]!);
    return radii;
  });
}

/** Insert v into the ascending list buf[offset, offset + length), dropping the largest. */
function insertSmallest(buf: Float64Array, offset: number, length: number, v: number): void {
  let p = offset + length - 1;
  if (!(v < buf[p]!)) return;
  while (p > offset && buf[p - 1]! > v) {
    buf[p] = buf[p - 1]!;
    p--;
  }
  buf[p] = v;
}

/** kthNeighbourRadii on a bare matrix, for onSecondThread (second-thread.ts): the arguments and result cross threads by structured clone. */
export function kthNeighbourRadiiOfMatrix(
  matrix: FeatureMatrix,
  ks: readonly number[],
  useBlas: boolean,
): Float64Array[] {
  return kthNeighbourRadii(withRowNorms(matrix), ks, { blas: useBlas ? undefined : null });
}
