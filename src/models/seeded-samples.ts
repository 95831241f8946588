/**
 * The samples a run draws for a model, and the latents behind them: the one
 * place that says which random stream sampling uses, so that `genreport run`
 * and `genreport sample` give the same images for the same seed.
 */
import { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import type { GenerativeModel } from './generative-model.ts';

/** The stream every model samples from for a run's seed. */
export function samplesRng(seed: number): Rng {
  return new Rng(seed).fork('samples');
}

export interface SeededSamples {
  images: ImageBatch;
  /** [n, dim] latents the images were made from, for families with a latent prior; null otherwise. */
  latents: { values: Float32Array; dim: number } | null;
}

/**
 * n images from `model` on the run's stream for `seed`. The latents are drawn
 * again from the same stream: every family with a prior takes its latents
 * first and in order (a GAN batch by batch, a VAE or flow all at once; normal
 * and uniform draws are sequential, so both give the same values).
 */
export async function seededSamples(
  model: GenerativeModel,
  n: number,
  seed: number,
  batchSize: number,
  onProgress?: (done: number) => void,
): Promise<SeededSamples> {
  const images = await model.sample(n, samplesRng(seed), batchSize, onProgress);
  const space = model.latents;
  return { images, latents: space ? { values: space.samplePrior(n, samplesRng(seed)), dim: space.latentDim } : null };
}
