/**
 * FID split into its two terms, reported as rows of their own so a reader
 * sees whether a distance comes from a shifted mean or a wrong spread:
 *   mean term        ‖μ_r − μ_g‖²  (feature matching, Salimans et al. 2016)
 *   covariance term  Tr(Σ_r + Σ_g − 2(Σ_r Σ_g)^½)
 * Their sum is FID (fid.ts), computed from the same statistics.
 */
import type { FeatureMatrix } from '../core/types.ts';
import { fidFromStats } from './fid.ts';
import { statsFromFeatures, type FeatureStats } from './stats/moments.ts';

export function meanTermFromStats(a: FeatureStats, b: FeatureStats): number {
  let s = 0;
  for (let i = 0; i < a.mean.length; i++) {
    const diff = a.mean[i]! - b.mean[i]!;
    s += diff * diff;
  }
  return s;
}

export interface FidTerms {
  fid: number;
  meanTerm: number;
  covTerm: number;
}

export function fidTermsFromFeatures(real: FeatureMatrix, fake: FeatureMatrix): FidTerms {
  const a = statsFromFeatures(real);
  const b = statsFromFeatures(fake);
  const fid = fidFromStats(a, b);
  const meanTerm = meanTermFromStats(a, b);
  // FID clamps rounding noise at 0; the covariance term is what remains of it.
  return { fid, meanTerm, covTerm: Math.max(0, fid - meanTerm) };
}
