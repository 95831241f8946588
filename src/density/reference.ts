/**
 * The reference for scale: the independent-pixels model fit on the
 * training split, evaluated on the same test images as the models. Also
 * keeps a few training images to choose the Parzen width on, when asked.
 */
import { sliceImages, type ImageBatch } from '../core/types.ts';
import { resolveImageSource } from '../data/source.ts';
import type { RankedEntry } from '../likelihood/comparability.ts';
import { fitIndependentPixels, independentPixelsLikelihood } from './independent-pixels.ts';

/** The reference's name in the density table and the rankings. */
export const REFERENCE_MODEL = 'independent pixels (reference)';

/** Training images the Parzen width is chosen on (Goodfellow et al. used a validation split of this order). */
const PARZEN_VALIDATION_IMAGES = 1000;

export interface ReferenceDensity {
  reference: RankedEntry | { problem: string };
  /** Held-out training images for Parzen's σ; absent unless Parzen is on. */
  validation?: ImageBatch;
}

export async function referenceDensity(
  train: string | undefined,
  config: { referenceTrainImages: number; parzen: boolean },
  test: ImageBatch,
  testSource: string,
): Promise<ReferenceDensity> {
  if (!train)
    return { reference: { problem: 'no training images given (data.train), so no independent-pixels reference' } };
  try {
    const { images } = await resolveImageSource(train, { limit: config.referenceTrainImages });
    const estimate = independentPixelsLikelihood(fitIndependentPixels(images, train), test, testSource);
    const validation = config.parzen
      ? sliceImages(images, Math.max(0, images.n - PARZEN_VALIDATION_IMAGES), images.n)
      : undefined;
    return { reference: { model: REFERENCE_MODEL, estimate }, validation };
  } catch (e) {
    return { reference: { problem: (e as Error).message } };
  }
}
