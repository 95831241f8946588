/**
 * A model's n samples as a stream of batches, whatever its family: a model
 * with a latent space (GAN, VAE, flow) decodes one batch of prior draws at a
 * time, so one batch is in memory; any other model (autoregressive batches
 * run on worker threads together; samples-only models hold their images
 * already) gives one `sample` call, handed on in slices. Either way the
 * images are those `sample` gives for the same rng: every prior draws sample
 * by sample from the stream, so m draws then the next m are the 2m draws of
 * one call. Batch boundaries fall at multiples of batchSize.
 *
 * With `indices` (ascending global indices, a share of a run split across
 * machines, pipeline/shard.ts) only those images come, each the image an
 * n-image stream gives at its index: a latent model draws the stream in
 * chunks and keeps its rows; the others take `sample`'s indices.
 */
import type { Rng } from '../core/rng.ts';
import { sliceImages, type ImageBatch } from '../core/types.ts';
import type { GenerativeModel, LatentSpace } from '../models/generative-model.ts';

export async function* sampleStream(
  model: GenerativeModel,
  n: number,
  rng: Rng,
  batchSize: number,
  indices?: ArrayLike<number>,
): AsyncGenerator<ImageBatch> {
  const { latents } = model;
  if (latents && indices) {
    for await (const z of shareLatents(latents, n, rng, batchSize, indices))
      yield await latents.decode(z, z.length / latents.latentDim);
    return;
  }
  if (latents) {
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      yield await latents.decode(latents.samplePrior(m, rng), m);
    }
    return;
  }
  const all = await model.sample(n, rng, batchSize, undefined, indices);
  for (let start = 0; start < all.n; start += batchSize)
    yield sliceImages(all, start, Math.min(start + batchSize, all.n));
}

/** The latents of the rows `indices` of an n-row prior stream, batchSize rows at a time; the stream is drawn in chunks of batchSize. */
function* shareLatents(
  latents: LatentSpace,
  n: number,
  rng: Rng,
  batchSize: number,
  indices: ArrayLike<number>,
): Generator<Float32Array> {
  const d = latents.latentDim;
  let pending = new Float32Array(batchSize * d);
  let kept = 0;
  let next = 0;
  for (let start = 0; start < n && next < indices.length; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    const z = latents.samplePrior(rows, rng);
    for (; next < indices.length && indices[next]! < start + rows; next++) {
      const row = indices[next]! - start;
      pending.set(z.subarray(row * d, (row + 1) * d), kept * d);
      if (++kept === batchSize) {
        yield pending;
        pending = new Float32Array(batchSize * d);
        kept = 0;
      }
    }
  }
  if (kept > 0) yield pending.slice(0, kept * d);
}

/** Whether `sampleStream` holds one batch at a time for this model (false: it holds all n images once). */
export function streamsInBatches(model: GenerativeModel): boolean {
  return model.latents !== undefined;
}
