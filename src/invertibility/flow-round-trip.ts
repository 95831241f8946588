/**
 * A flow's inverse, checked numerically: x → z → x at dequantized test pixels
 * and z → x → z at prior draws, max and mean absolute error (model units).
 */
import type { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import { levelsFromImages } from '../likelihood/data-space.ts';
import { dequantizeToRange } from '../likelihood/dequantize.ts';
import type { FlowModel } from '../models/adapters/flow.ts';

export interface AbsoluteError {
  max: number;
  mean: number;
}

export interface FlowRoundTrip {
  n: number;
  imageToImage: AbsoluteError;
  latentToLatent: AbsoluteError;
}

export async function flowRoundTrip(flow: FlowModel, images: ImageBatch, source: string, rng: Rng, batchSize: number): Promise<FlowRoundTrip> {
  const x = dequantizeToRange(levelsFromImages(images, source), flow.bundle.manifest.image.range, rng.fork('round-trip-x'));
  const xBack = await flow.inverse((await flow.forward(x, batchSize)).z, batchSize);
  const z = flow.prior.sample(images.n, rng.fork('round-trip-z'));
  const zBack = (await flow.forward(await flow.inverse(z, batchSize), batchSize)).z;
  return { n: images.n, imageToImage: absoluteError(x, xBack), latentToLatent: absoluteError(z, zBack) };
}

export function absoluteError(a: Float32Array, b: Float32Array): AbsoluteError {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    max = Math.max(max, e);
    sum += e;
  }
  return { max, mean: sum / a.length };
}
