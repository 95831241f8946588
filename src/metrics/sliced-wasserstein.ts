/**
 * Sliced Wasserstein distance between two feature sets: the Wasserstein-1
 * distance between the sets' 1-D projections onto random unit directions,
 * averaged over directions. Directions come from the seeded Rng (fork
 * 'sliced-wasserstein'), so a seed fixes the value. Sets may differ in size.
 */
import { Rng } from '../core/rng.ts';
import type { FeatureMatrix } from '../core/types.ts';

export const SWD_PROJECTIONS = 128;

export interface SlicedWassersteinOptions {
  seed: number;
  projections?: number;
}

export function slicedWassersteinFromFeatures(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: SlicedWassersteinOptions,
): number {
  if (real.cols !== fake.cols)
    throw new Error(`sliced Wasserstein: feature dimensions differ (${real.cols} vs ${fake.cols})`);
  const projections = options.projections ?? SWD_PROJECTIONS;
  const rng = new Rng(options.seed).fork('sliced-wasserstein');
  const d = real.cols;
  const direction = new Float64Array(d);
  let total = 0;
  for (let p = 0; p < projections; p++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      direction[k] = rng.normal();
      norm += direction[k]! * direction[k]!;
    }
    for (let k = 0; k < d; k++) direction[k]! /= Math.sqrt(norm);
    total += wasserstein1(project(real, direction).sort(), project(fake, direction).sort());
  }
  return total / projections;
}

function project(m: FeatureMatrix, direction: Float64Array): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = 0, r = i * m.cols; k < m.cols; k++) s += m.data[r + k]! * direction[k]!;
    out[i] = s;
  }
  return out;
}

/** W1 between two empirical distributions given sorted samples: ∫ |F(x) − G(x)| dx (as scipy.stats.wasserstein_distance). */
export function wasserstein1(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0]!, b[0]!);
  let distance = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    distance += Math.abs(i / a.length - j / b.length) * (x - previous);
    previous = x;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
  }
  return distance;
}
