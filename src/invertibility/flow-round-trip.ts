/**
 * A flow's inverse, checked numerically: x → z → x at dequantized test pixels
 * and z → x → z at prior draws, max and mean absolute error (model units).
 */
import type { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import { levelsFromImages } from '../likelihood/data-space.ts';
import { dequantizeToRange } from '../likelihood/dequantize.ts';
import type { ExactInversion, LatentSpace } from '../models/generative-model.ts';
import type { Bundle } from '../models/bundle.ts';

export interface AbsoluteError {
  max: number;
  mean: number;
}

export interface FlowRoundTrip {
  n: number;
  imageToImage: AbsoluteError;
  latentToLatent: AbsoluteError;
}

/** A model with an exact inverse: a latent space (for prior draws) and the 'exact' inversion. */
export interface BijectiveModel {
  readonly bundle: Bundle;
  readonly latents: LatentSpace;
  readonly inversion: ExactInversion;
}

export async function flowRoundTrip(model: BijectiveModel, images: ImageBatch, source: string, rng: Rng, batchSize: number): Promise<FlowRoundTrip> {
  const { forward, inverse } = model.inversion;
  const x = dequantizeToRange(levelsFromImages(images, source), model.bundle.manifest.image.range, rng.fork('round-trip-x'));
  const xBack = await inverse((await forward(x, batchSize)).z, batchSize);
  const z = model.latents.samplePrior(images.n, rng.fork('round-trip-z'));
  const zBack = (await forward(await inverse(z, batchSize), batchSize)).z;
  return { n: images.n, imageToImage: absoluteError(x, xBack), latentToLatent: absoluteError(z, zBack) };
}

export function absoluteError(a: Float32Array, b: Float32Array): AbsoluteError {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, e);
    sum += e;
  }
  return { max, mean: sum / a.length };
}
