/**
 * How spread out the generated features are relative to the real ones:
 * - per-feature std ratio: mean over features of the generated standard
 *   deviation across the set, over the same for the real set (the quantity
 *   minibatch-std layers feed a GAN's discriminator);
 * - mean pairwise distance ratio: mean Euclidean distance between distinct
 *   generated samples over the same for real samples, on a seeded subset of
 *   at most PAIRWISE_ROWS rows of each set.
 * 1 means the same spread; well below 1 signals collapse.
 */
import { Rng } from '../core/rng.ts';
import { featureMatrix, type FeatureMatrix } from '../core/types.ts';
import { blockRowsFor, squaredDistancesBlock, withRowNorms } from './stats/pairwise-distances.ts';

export const PAIRWISE_ROWS = 5000;

export function meanFeatureStd(m: FeatureMatrix): number {
  const { rows: n, cols: d, data } = m;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * d + j]! - mean) ** 2;
    total += Math.sqrt(ss / (n - 1));
  }
  return total / d;
}

/** Mean distance over distinct pairs of rows, blockwise (never n × n at once). */
export function meanPairwiseDistance(m: FeatureMatrix): number {
  const set = withRowNorms(m);
  const n = m.rows;
  const blockRows = blockRowsFor(n);
  const out = new Float64Array(blockRows * n);
  let sum = 0;
  for (let start = 0; start < n; start += blockRows) {
    const end = Math.min(start + blockRows, n);
    squaredDistancesBlock(set, { start, end }, set, { start: 0, end: n }, out);
    for (let i = start; i < end; i++) for (let j = i + 1; j < n; j++) sum += Math.sqrt(out[(i - start) * n + j]!);
  }
  return sum / ((n * (n - 1)) / 2);
}

export function subsetRows(m: FeatureMatrix, rows: number, rng: Rng): FeatureMatrix {
  if (m.rows <= rows) return m;
  const pick = rng.choose(m.rows, rows);
  const out = featureMatrix(rows, m.cols);
  pick.forEach((r, i) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return out;
}

export interface SpreadRatios {
  featureStd: number;
  pairwiseDistance: number;
}

export function spreadRatios(real: FeatureMatrix, fake: FeatureMatrix, seed: number): SpreadRatios {
  const rng = new Rng(seed).fork('spread');
  return {
    featureStd: meanFeatureStd(fake) / meanFeatureStd(real),
    pairwiseDistance:
      meanPairwiseDistance(subsetRows(fake, PAIRWISE_ROWS, rng)) /
      meanPairwiseDistance(subsetRows(real, PAIRWISE_ROWS, rng)),
  };
}
