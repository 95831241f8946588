/**
 * Mode coverage from the domain classifier's class histogram of the
 * generated samples (each sample counted for its top class), against the
 * real label distribution (labels where known, else the classifier's top
 * classes on the real set):
 * - classes covered: classes whose generated share is at least
 *   COVERED_FRACTION of their real share;
 * - KL(generated ‖ real) of the two class distributions, in nats (a
 *   generated class absent from the real data gives +∞);
 * - collapse: some class present in the real data is not covered.
 */
import type { FeatureMatrix } from '../core/types.ts';

/** A class counts as covered when generated at ≥ 10% of its real rate. */
export const COVERED_FRACTION = 0.1;

export interface ModeCoverage {
  classesCovered: number;
  realClasses: number;
  klFromReal: number;
  collapsed: boolean;
  /** Generated share of each class. */
  histogram: Float64Array;
}

export function topClasses(p: FeatureMatrix): Int32Array {
  const out = new Int32Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    let best = 0;
    for (let k = 1; k < p.cols; k++) if (p.data[i * p.cols + k]! > p.data[i * p.cols + best]!) best = k;
    out[i] = best;
  }
  return out;
}

export function classShares(classes: ArrayLike<number>, count: number): Float64Array {
  const shares = new Float64Array(count);
  for (let i = 0; i < classes.length; i++) shares[classes[i]!]! += 1;
  for (let k = 0; k < count; k++) shares[k]! /= classes.length;
  return shares;
}

export function modeCoverage(
  fakeClasses: ArrayLike<number>,
  realClasses: ArrayLike<number>,
  classes: number,
): ModeCoverage {
  const generated = classShares(fakeClasses, classes);
  const real = classShares(realClasses, classes);
  let covered = 0;
  let present = 0;
  let kl = 0;
  for (let k = 0; k < classes; k++) {
    if (real[k]! > 0) {
      present++;
      if (generated[k]! >= COVERED_FRACTION * real[k]!) covered++;
    }
    if (generated[k]! > 0) kl += real[k]! > 0 ? generated[k]! * Math.log(generated[k]! / real[k]!) : Infinity;
  }
  return {
    classesCovered: covered,
    realClasses: present,
    klFromReal: kl,
    collapsed: covered < present,
    histogram: generated,
  };
}
