/**
 * A hybrid's approximate inverse: the encoder's code grid of each test image
 * decoded (MSE, PSNR, same label, as a VAE's reconstruction), and how much of
 * the codebook those grids use. A VQ-VAE whose codes collapse onto a few
 * vectors ("codebook collapse", a known failure) reconstructs poorly and gives
 * its prior little to model; the usage figures show it.
 */
import type { ImageBatch } from '../core/types.ts';
import type { CodebookUsage } from '../models/codebook.ts';
import type { DiscreteCodes } from '../models/generative-model.ts';
import { reconstructionMetrics, type LabelCheck, type ReconstructionMetrics } from './reconstruction.ts';

/**
 * Usage of a codebook of `size` vectors by the codes seen: dead codes (never
 * used) and the perplexity exp(H) of the empirical code distribution, which
 * is `size` for uniform use and 1 when every position takes one code.
 */
export function codebookUsage(codes: ArrayLike<number>, size: number, images: number): CodebookUsage {
  const counts = new Float64Array(size);
  for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
  let entropy = 0;
  let used = 0;
  for (const c of counts) {
    if (c === 0) continue;
    used++;
    const p = c / codes.length;
    entropy -= p * Math.log(p);
  }
  return { size, images, codes: codes.length, used, dead: size - used, perplexity: Math.exp(entropy) };
}

export interface HybridReconstruction {
  reconstructions: ImageBatch;
  metrics: ReconstructionMetrics;
  usage: CodebookUsage;
  secondsPerImage: number;
}

/** Encode → quantise → decode each image, and the codebook usage of those codes. */
export async function hybridReconstruction(
  model: DiscreteCodes,
  images: ImageBatch,
  batchSize: number,
  labelCheck?: LabelCheck,
): Promise<HybridReconstruction> {
  const started = performance.now();
  const codes = await model.encode(images, batchSize);
  const reconstructions = await model.decode(codes, batchSize);
  const secondsPerImage = (performance.now() - started) / 1000 / images.n;
  return {
    reconstructions,
    metrics: await reconstructionMetrics(images, reconstructions, labelCheck),
    usage: codebookUsage(codes, model.grid.size, images.n),
    secondsPerImage,
  };
}
