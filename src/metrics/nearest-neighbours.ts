/**
 * For each query row, the distance to its nearest row of a reference set
 * and that row's index, blockwise. Behind the per-sample distance to the
 * nearest real sample and the memorisation check (nearest training image).
 */
import type { FeatureMatrix } from '../core/types.ts';
import { blockRowsFor, squaredDistancesBlock, withRowNorms } from './stats/pairwise-distances.ts';

export interface Nearest {
  distance: Float64Array;
  index: Int32Array;
}

export function nearestRows(query: FeatureMatrix, reference: FeatureMatrix): Nearest {
  if (query.cols !== reference.cols)
    throw new Error(`nearest rows: feature dimensions differ (${query.cols} vs ${reference.cols})`);
  const q = withRowNorms(query);
  const r = withRowNorms(reference);
  const n = reference.rows;
  const blockRows = blockRowsFor(n);
  const out = new Float64Array(blockRows * n);
  const distance = new Float64Array(query.rows);
  const index = new Int32Array(query.rows);
  for (let start = 0; start < query.rows; start += blockRows) {
    const end = Math.min(start + blockRows, query.rows);
    squaredDistancesBlock(q, { start, end }, r, { start: 0, end: n }, out);
    for (let i = start; i < end; i++) {
      const row = (i - start) * n;
      let best = 0;
      for (let j = 1; j < n; j++) if (out[row + j]! < out[row + best]!) best = j;
      distance[i] = Math.sqrt(out[row + best]!);
      index[i] = best;
    }
  }
  return { distance, index };
}
