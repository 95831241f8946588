/**
 * How close reconstructions are to their originals: MSE and PSNR on [0, 1]
 * pixels, and, given a domain classifier, the share of reconstructions it
 * gives the original's label. Used for VAE reconstructions, GAN inversions
 * and autoregressive completions alike.
 */
import type { ImageBatch } from '../core/types.ts';
import { meanInterval, type MeanInterval } from '../likelihood/nll-summary.ts';

/** Predicted class per image, e.g. the argmax of the domain classifier. */
export type LabelPredictor = (images: ImageBatch) => Promise<ArrayLike<number>>;

export interface ReconstructionMetrics {
  /** Mean squared error per image over its pixels in [0, 1]. */
  mse: MeanInterval;
  /** 10 log10(1 / mean MSE): PSNR of the whole set (per-image PSNR is infinite on exact copies). */
  psnr: number;
  /** Share of reconstructions classified as their original's label, with a 95% interval (Wilson). */
  labelAgreement?: { share: number; n: number; low: number; high: number };
}

export interface LabelCheck {
  labels: ArrayLike<number>;
  predict: LabelPredictor;
}

/** Per-image MSE over the pixels of rows [fromRow, H) (all rows by default). */
export function perImageMse(originals: ImageBatch, reconstructions: ImageBatch, fromRow = 0): Float64Array {
  const { n, height, width, channels } = originals;
  const per = height * width * channels;
  const start = fromRow * width * channels;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = i * per + start; j < (i + 1) * per; j++) sum += (originals.data[j]! - reconstructions.data[j]!) ** 2;
    out[i] = sum / (per - start);
  }
  return out;
}

export async function reconstructionMetrics(
  originals: ImageBatch,
  reconstructions: ImageBatch,
  labelCheck?: LabelCheck,
  fromRow = 0,
): Promise<ReconstructionMetrics> {
  const mse = meanInterval(perImageMse(originals, reconstructions, fromRow));
  const result: ReconstructionMetrics = { mse, psnr: 10 * Math.log10(1 / mse.mean) };
  if (labelCheck) {
    const predicted = await labelCheck.predict(reconstructions);
    let agree = 0;
    for (let i = 0; i < originals.n; i++) if (predicted[i] === labelCheck.labels[i]) agree++;
    result.labelAgreement = { share: agree / originals.n, n: originals.n, ...wilson(agree, originals.n) };
  }
  return result;
}

/** Wilson score interval for a proportion, 95%. */
function wilson(successes: number, n: number): { low: number; high: number } {
  const z = 1.959963984540054;
  const p = successes / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return { low: centre - half, high: centre + half };
}
