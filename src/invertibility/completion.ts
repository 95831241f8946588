/**
 * An autoregressive model has no latent; its counterpart of inversion is
 * completion: given the top half of a test image, the model draws the bottom
 * half. Scored on the bottom half against the original, like a reconstruction.
 */
import type { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import type { GenerativeModel } from '../models/generative-model.ts';
import { reconstructionMetrics, type LabelCheck, type ReconstructionMetrics } from './reconstruction.ts';

export interface Completion {
  completed: ImageBatch;
  /** First row the model drew. */
  fromRow: number;
  /** MSE and PSNR over the drawn rows only; label agreement on the whole image. */
  metrics: ReconstructionMetrics;
  secondsPerImage: number;
}

export async function completeBottomHalf(
  model: Required<Pick<GenerativeModel, 'complete'>>,
  images: ImageBatch,
  source: string,
  rng: Rng,
  batchSize: number,
  labelCheck?: LabelCheck,
): Promise<Completion> {
  const fromRow = Math.floor(images.height / 2);
  const started = performance.now();
  const completed = await model.complete(images, fromRow, rng, batchSize, source);
  const secondsPerImage = (performance.now() - started) / 1000 / images.n;
  return {
    completed,
    fromRow,
    metrics: await reconstructionMetrics(images, completed, labelCheck, fromRow),
    secondsPerImage,
  };
}
