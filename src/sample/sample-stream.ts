/**
 * A model's n samples as a stream of batches, whatever its family: a model
 * with a latent space (GAN, VAE, flow) decodes one batch of prior draws at a
 * time, so one batch is in memory; any other model (autoregressive batches
 * run on worker threads together; samples-only models hold their images
 * already) gives one `sample` call, handed on in slices. Either way the
 * images are those `sample` gives for the same rng: every prior draws sample
 * by sample from the stream, so m draws then the next m are the 2m draws of
 * one call. Batch boundaries fall at multiples of batchSize.
 */
import type { Rng } from '../core/rng.ts';
import { sliceImages, type ImageBatch } from '../core/types.ts';
import type { GenerativeModel } from '../models/generative-model.ts';

export async function* sampleStream(model: GenerativeModel, n: number, rng: Rng, batchSize: number): AsyncGenerator<ImageBatch> {
  const { latents } = model;
  if (latents) {
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      yield await latents.decode(latents.samplePrior(m, rng), m);
    }
    return;
  }
  const all = await model.sample(n, rng, batchSize);
  for (let start = 0; start < all.n; start += batchSize) yield sliceImages(all, start, Math.min(start + batchSize, all.n));
}

/** Whether `sampleStream` holds one batch at a time for this model (false: it holds all n images once). */
export function streamsInBatches(model: GenerativeModel): boolean {
  return model.latents !== undefined;
}
