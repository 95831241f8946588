/**
 * Fréchet distance between two Gaussians fitted to feature sets (FID):
 *   ‖μ1 − μ2‖² + Tr Σ1 + Tr Σ2 − 2·Tr √(Σ1·Σ2)
 * as in pytorch-fid and torch-fidelity, with the trace term taken from
 * eigenvalues (see trace-sqrt-product.ts) instead of scipy's sqrtm.
 */
import { GenreportError } from '../core/errors.ts';
import type { FeatureMatrix } from '../core/types.ts';
import { statsFromFeatures, type FeatureStats } from './stats/moments.ts';
import { traceSqrtProduct } from './stats/trace-sqrt-product.ts';

export interface FidOptions {
  /** The caller is done with a.cov and b.cov: they may be overwritten instead of copied (trace-sqrt-product.ts). */
  overwrite?: boolean;
}

export function fidFromStats(a: FeatureStats, b: FeatureStats, options: FidOptions = {}): number {
  const d = a.mean.length;
  if (b.mean.length !== d) {
    throw new GenreportError({ message: `FID: feature dimensions differ (${d} vs ${b.mean.length})` }, 'internal');
  }
  let meanTerm = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mean[i]! - b.mean[i]!;
    meanTerm += diff * diff;
  }
  let traces = 0;
  for (let i = 0; i < d; i++) traces += a.cov[i * d + i]! + b.cov[i * d + i]!;

  // Tr √(Σ1Σ2) is symmetric in its arguments: factor the one that can be positive definite.
  const [first, second] = a.n <= d && b.n > d ? [b, a] : [a, b];
  // The same object on both sides (FID of a set with itself) is never overwritten.
  const overwrite = options.overwrite === true && a.cov !== b.cov;
  const rootTrace = traceSqrtProduct(first.cov, second.cov, d, { cov1Singular: first.n <= d, overwrite });
  const fid = meanTerm + traces - 2 * rootTrace;
  // The true value is ≥ 0; for (near-)identical sets the sum cancels to rounding
  // noise of order d·ε·(Tr Σ1 + Tr Σ2), which may land just below 0. Only that is
  // clamped; anything more negative means broken inputs and is raised, not hidden.
  const noise = 64 * d * Number.EPSILON * (traces + meanTerm);
  if (fid < 0) {
    if (fid >= -noise) return 0;
    throw new GenreportError(
      { message: `FID came out negative (${fid}): covariances are not positive semi-definite` },
      'internal',
    );
  }
  return fid;
}

export function fidFromFeatures(real: FeatureMatrix, fake: FeatureMatrix): number {
  return fidFromStats(statsFromFeatures(real), statsFromFeatures(fake));
}
