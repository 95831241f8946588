/**
 * The reference row every likelihood is read against: pixels independent,
 * one 256-way histogram per pixel position, fit on the training split. Add-α
 * smoothing keeps levels unseen in training at a finite probability.
 */
import { inputError } from '../core/errors.ts';
import type { ImageBatch } from '../core/types.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages } from '../likelihood/data-space.ts';
import type { LikelihoodEstimate } from '../likelihood/likelihood-estimate.ts';
import { LEVELS } from '../likelihood/pixel-forms.ts';

export interface IndependentPixels {
  dataSpace: string;
  /** log P(level) per position, laid out [D, 256]. */
  logProbabilities: Float64Array;
  trainingImages: number;
  smoothing: number;
}

export function fitIndependentPixels(training: ImageBatch, source: string, smoothing = 1): IndependentPixels {
  const d = dimensionsOf(training);
  const levels = levelsFromImages(training, source);
  const counts = new Float64Array(d * LEVELS);
  for (let i = 0; i < levels.length; i++) counts[(i % d) * LEVELS + levels[i]!]! += 1;
  const total = Math.log(training.n + LEVELS * smoothing);
  const logProbabilities = counts.map((c) => Math.log(c + smoothing) - total);
  return { dataSpace: dataSpaceOf(training), logProbabilities, trainingImages: training.n, smoothing };
}

export function independentPixelsLikelihood(
  model: IndependentPixels,
  test: ImageBatch,
  source: string,
): LikelihoodEstimate {
  if (dataSpaceOf(test) !== model.dataSpace) {
    throw inputError(
      source,
      `images are ${dataSpaceOf(test)}, but the independent-pixels model was fit on ${model.dataSpace}`,
    );
  }
  const started = performance.now();
  const d = dimensionsOf(test);
  const levels = levelsFromImages(test, source);
  const logLikelihoods = new Float64Array(test.n);
  for (let i = 0; i < test.n; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += model.logProbabilities[j * LEVELS + levels[i * d + j]!]!;
    logLikelihoods[i] = sum;
  }
  return {
    estimator: 'independent-pixels',
    kind: 'exact',
    samples: 1,
    dataSpace: model.dataSpace,
    logLikelihoods,
    secondsPerImage: (performance.now() - started) / 1000 / test.n,
    label: `independent pixels: one 256-way histogram per position, fit on ${model.trainingImages} training images (add-${model.smoothing} smoothing); exact for that model`,
  };
}
