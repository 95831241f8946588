/**
 * Precision, recall, density and coverage from k-NN balls, in one pass over
 * real–fake distances (blocks of fake rows × all real rows).
 *
 * - Precision / recall (Kynkäänniemi et al. 2019, k = prK): a fake is inside
 *   the real manifold if it lies in the CLOSED ball (≤) of some real point's
 *   k-NN radius; recall swaps the roles. Note clovaai prdc uses the open ball
 *   (<) here too; the two differ only on exact ties.
 * - Density / coverage (Naeem et al. 2020, clovaai prdc, k = prdcK): OPEN
 *   balls (<); density = Σ_j #{i : d(y_j, x_i) < r_i} / (k·M), may exceed 1;
 *   coverage = fraction of real points whose nearest fake is < r_i away.
 */
import type { FeatureMatrix } from '../core/types.ts';
import { kthNeighbourRadii } from './stats/knn-radii.ts';
import { distancesBlock, withRowNorms } from './stats/pairwise-distances.ts';

export const PR_K = 3;
export const PRDC_K = 5;

export interface PrdcOptions {
  /** k for precision / recall radii (Kynkäänniemi: 3). */
  prK?: number;
  /** k for density / coverage radii (Naeem et al.: 5). */
  prdcK?: number;
  /** Rows per distance block; results do not depend on it. */
  blockRows?: number;
}

export interface PrdcResult {
  precision: number;
  recall: number;
  /** 2PR/(P+R); 0 when both are 0. */
  f1: number;
  density: number;
  coverage: number;
}

/** Kynkäänniemi's manifold membership: closed ball. */
const insideClosedBall = (distance: number, radius: number): boolean => distance <= radius;
/** Naeem et al. / clovaai prdc membership: open ball. */
const insideOpenBall = (distance: number, radius: number): boolean => distance < radius;

export function prdcFromFeatures(real: FeatureMatrix, fake: FeatureMatrix, options: PrdcOptions = {}): PrdcResult {
  if (real.cols !== fake.cols) throw new Error(`PRDC: feature dimensions differ (${real.cols} vs ${fake.cols})`);
  const prK = options.prK ?? PR_K;
  const prdcK = options.prdcK ?? PRDC_K;
  const blockRows = Math.max(1, options.blockRows ?? 256);

  const x = withRowNorms(real);
  const y = withRowNorms(fake);
  const [realPrRadii, realDcRadii] = kthNeighbourRadii(x, [prK, prdcK], blockRows);
  const [fakePrRadii] = kthNeighbourRadii(y, [prK], blockRows);

  const n = real.rows;
  const m = fake.rows;
  const realCovered = new Uint8Array(n); // for recall: inside some fake's ball
  const nearestFake = new Float64Array(n).fill(Infinity); // for coverage
  let precisionHits = 0;
  let densityCount = 0;

  const out = new Float64Array(blockRows * n);
  for (let start = 0; start < m; start += blockRows) {
    const end = Math.min(start + blockRows, m);
    distancesBlock(y, start, end, x, out);
    for (let j = start; j < end; j++) {
      const row = (j - start) * n;
      const fakeRadius = fakePrRadii[j];
      let inside = false;
      for (let i = 0; i < n; i++) {
        const dist = out[row + i];
        if (insideClosedBall(dist, realPrRadii[i])) inside = true;
        if (insideOpenBall(dist, realDcRadii[i])) densityCount++;
        if (insideClosedBall(dist, fakeRadius)) realCovered[i] = 1;
        if (dist < nearestFake[i]) nearestFake[i] = dist;
      }
      if (inside) precisionHits++;
    }
  }

  let recallHits = 0;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    recallHits += realCovered[i];
    if (insideOpenBall(nearestFake[i], realDcRadii[i])) covered++;
  }
  const precision = precisionHits / m;
  const recall = recallHits / n;
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    density: (1 / prdcK) * (densityCount / m), // prdc's order of operations, so values agree to the bit
    coverage: covered / n,
  };
}
