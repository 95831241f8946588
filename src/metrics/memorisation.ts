/**
 * Memorisation: are generated samples closer to training images than unseen
 * real images are? Each generated sample's distance to its nearest training
 * image is compared with the held-out (real, test) set's own
 * nearest-training distances. The baseline is the BASELINE_QUANTILE of the
 * held-out distances, so a model that does not copy has about that share of
 * samples below it; a copying model has many more. The closest pairs are
 * kept for an image grid.
 */
import type { FeatureMatrix } from '../core/types.ts';
import { quantileSorted } from './bootstrap.ts';
import { nearestRows } from './nearest-neighbours.ts';

export const BASELINE_QUANTILE = 0.05;
export const CLOSEST_PAIRS = 16;

export interface Memorisation {
  /** Share of generated samples nearer to a training image than the held-out baseline. */
  shareBelowBaseline: number;
  /** Median generated-to-training distance over the median held-out-to-training distance. */
  medianDistanceRatio: number;
  baseline: number;
  /** The closest generated–training pairs, nearest first. */
  closestPairs: { generated: number; train: number; distance: number }[];
  /** Each generated sample's distance to its nearest training image. */
  distances: Float64Array;
}

export function memorisationFromFeatures(
  train: FeatureMatrix,
  heldOut: FeatureMatrix,
  fake: FeatureMatrix,
): Memorisation {
  const heldOutDistances = nearestRows(heldOut, train).distance.sort();
  const nearest = nearestRows(fake, train);
  const baseline = quantileSorted(heldOutDistances, BASELINE_QUANTILE);
  let below = 0;
  for (const d of nearest.distance) if (d < baseline) below++;
  const order = Array.from(nearest.distance.keys()).sort((a, b) => nearest.distance[a]! - nearest.distance[b]!);
  const sortedFake = Float64Array.from(nearest.distance).sort();
  return {
    shareBelowBaseline: below / fake.rows,
    medianDistanceRatio: quantileSorted(sortedFake, 0.5) / quantileSorted(heldOutDistances, 0.5),
    baseline,
    closestPairs: order
      .slice(0, CLOSEST_PAIRS)
      .map((j) => ({ generated: j, train: nearest.index[j]!, distance: nearest.distance[j]! })),
    distances: nearest.distance,
  };
}
