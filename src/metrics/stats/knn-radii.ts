/**
 * k-nearest-neighbour radii within one set: for each row, the distance to
 * its k-th nearest other row. As in clovaai prdc, this is the (k+1)-th
 * smallest distance in the row's full distance list, self included; with
 * duplicate rows that counts a duplicate as a neighbour at distance 0.
 */
import { distancesBlock, type RowNorms } from './pairwise-distances.ts';

/** One radius array per requested k, in the order of `ks`. */
export function kthNeighbourRadii(set: RowNorms, ks: readonly number[], blockRows: number): Float64Array[] {
  const n = set.matrix.rows;
  const kMax = Math.max(...ks);
  if (kMax >= n) throw new Error(`k-NN radii: k = ${kMax} needs more than ${n} rows`);
  const radii = ks.map(() => new Float64Array(n));
  const out = new Float64Array(blockRows * n);
  const smallest = new Float64Array(kMax + 1); // ascending, the kMax+1 smallest so far

  for (let start = 0; start < n; start += blockRows) {
    const end = Math.min(start + blockRows, n);
    distancesBlock(set, start, end, set, out);
    for (let i = start; i < end; i++) {
      const row = (i - start) * n;
      out[row + i] = 0; // the self distance is 0 by definition, not rounding noise
      smallest.fill(Infinity);
      for (let j = 0; j < n; j++) insertSmallest(smallest, out[row + j]);
      for (let q = 0; q < ks.length; q++) radii[q][i] = smallest[ks[q]];
    }
  }
  return radii;
}

/** Keep `buf` the ascending list of the smallest values seen (insertion into a short array). */
function insertSmallest(buf: Float64Array, v: number): void {
  let p = buf.length - 1;
  if (!(v < buf[p])) return;
  while (p > 0 && buf[p - 1] > v) {
    buf[p] = buf[p - 1];
    p--;
  }
  buf[p] = v;
}
