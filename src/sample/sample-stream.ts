/**
 * A model's n samples as a stream of batches, whatever its family: the
 * family's own `sampleBatches` where it has one (GAN, VAE, flow: one batch
 * in memory at a time), else one `sample` call handed on in slices
 * (autoregressive models, whose batches run on worker threads together, and
 * samples-only models, which hold their images already). Either way the
 * images are those `sample` gives for the same rng, batch boundaries at
 * multiples of batchSize.
 */
import type { Rng } from '../core/rng.ts';
import { sliceImages, type ImageBatch } from '../core/types.ts';
import type { GenerativeModel } from '../models/generative-model.ts';

export async function* sampleStream(model: GenerativeModel, n: number, rng: Rng, batchSize: number): AsyncGenerator<ImageBatch> {
  if (model.sampleBatches) {
    yield* model.sampleBatches(n, rng, batchSize);
    return;
  }
  const all = await model.sample(n, rng, batchSize);
  for (let start = 0; start < all.n; start += batchSize) yield sliceImages(all, start, Math.min(start + batchSize, all.n));
}

/** Whether `sampleStream` holds one batch at a time for this model (false: it holds all n images once). */
export function streamsInBatches(model: GenerativeModel): boolean {
  return model.sampleBatches !== undefined;
}
