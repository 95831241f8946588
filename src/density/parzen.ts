/**
 * Parzen-window estimate for models without a density (GANs), opt-in only.
 * A Gaussian kernel of width σ on every generated sample; σ is chosen on a
 * validation set, as Goodfellow et al. 2014 did. Theis et al. 2016 show this
 * estimate can rank models arbitrarily wrong even with 10^7 samples in far
 * lower dimension, so it is labelled unreliable and never ranked with likelihoods.
 *
 * Evaluated like a flow: at uniformly dequantized test pixels scaled to [0, 1),
 * with the Jacobian to the 8-bit space counted, so the units match.
 */
import type { Rng } from '../core/rng.ts';
import { featureMatrix, type ImageBatch } from '../core/types.ts';
import {
  blockRowsFor,
  squaredDistancesBlock,
  withRowNorms,
  type RowNorms,
} from '../metrics/stats/pairwise-distances.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages } from '../likelihood/data-space.ts';
import { dequantizeToRange, rangeLogJacobian } from '../likelihood/dequantize.ts';
import { logMeanExp } from '../likelihood/importance-weighted.ts';
import type { LikelihoodEstimate } from '../likelihood/likelihood-estimate.ts';

export interface ParzenOptions {
  /** Candidate kernel widths, in [0, 1] pixel units. */
  sigmas?: readonly number[];
  rng: Rng;
}

export const DEFAULT_PARZEN_SIGMAS = [0.05, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3] as const;

export interface ParzenResult {
  estimate: LikelihoodEstimate;
  sigma: number;
  /** Mean validation log-likelihood per candidate σ, in the order given. */
  validation: { sigma: number; meanLogLikelihood: number }[];
}

export function parzenLikelihood(
  generated: ImageBatch,
  validation: ImageBatch,
  test: ImageBatch,
  source: string,
  options: ParzenOptions,
): ParzenResult {
  const { sigmas = DEFAULT_PARZEN_SIGMAS, rng } = options;
  const centres = withRowNorms(featureMatrix(generated.n, dimensionsOf(generated), Float64Array.from(generated.data)));
  const dequantized = (images: ImageBatch, label: string): RowNorms =>
    withRowNorms(
      featureMatrix(
        images.n,
        dimensionsOf(images),
        Float64Array.from(dequantizeToRange(levelsFromImages(images, source), [0, 1], rng.fork(label))),
      ),
    );

  const perSigma = kernelLogDensities(dequantized(validation, 'parzen-validation'), centres, sigmas);
  const scores = sigmas.map((sigma, i) => ({
    sigma,
    meanLogLikelihood: perSigma[i]!.reduce((s, v) => s + v, 0) / validation.n,
  }));
  const best = scores.reduce((a, b) => (b.meanLogLikelihood > a.meanLogLikelihood ? b : a));

  const started = performance.now();
  // One σ in, one row of log-densities out.
  const logLikelihoods = kernelLogDensities(dequantized(test, 'parzen-test'), centres, [best.sigma])[0]!;
  return {
    estimate: {
      estimator: 'parzen',
      kind: 'unreliable',
      samples: generated.n,
      dataSpace: dataSpaceOf(test),
      logLikelihoods,
      secondsPerImage: (performance.now() - started) / 1000 / test.n,
      label: `Parzen-window estimate (σ = ${best.sigma} chosen on ${validation.n} validation images, ${generated.n} samples): unreliable (Theis et al. 2016), not ranked with likelihoods`,
    },
    sigma: best.sigma,
    validation: scores,
  };
}

/**
 * For each σ, log of the Gaussian kernel mixture at each point, moved onto
 * the 8-bit space; distances a block of points at a time.
 */
function kernelLogDensities(points: RowNorms, centres: RowNorms, sigmas: readonly number[]): Float64Array[] {
  const n = points.matrix.rows;
  const m = centres.matrix.rows;
  const d = points.matrix.cols;
  const out = sigmas.map(() => new Float64Array(n));
  const blockRows = blockRowsFor(m);
  const squared = new Float64Array(blockRows * m);
  const exponents = new Float64Array(m);
  for (let start = 0; start < n; start += blockRows) {
    const end = Math.min(n, start + blockRows);
    squaredDistancesBlock(points, { start, end }, centres, { start: 0, end: m }, squared);
    sigmas.forEach((sigma, s) => {
      const normaliser = -0.5 * d * Math.log(2 * Math.PI * sigma * sigma) + rangeLogJacobian([0, 1], d);
      for (let i = start; i < end; i++) {
        for (let j = 0; j < m; j++) exponents[j] = -squared[(i - start) * m + j]! / (2 * sigma * sigma);
        out[s]![i] = logMeanExp(exponents) + normaliser;
      }
    });
  }
  return out;
}
