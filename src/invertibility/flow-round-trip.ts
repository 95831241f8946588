/**
 * A flow's inverse, checked numerically: x → z → x at dequantized test pixels
 * and z → x → z at prior draws, max and mean absolute error (model units).
 * A draw far out in the base can land where the forward is not finite in
 * float32 (a logit preprocessing's sigmoid saturates to exactly 0 or 1, whose
 * logit is infinite): such draws are left out of z → x → z and counted, since
 * no float32 image there can carry them back; the test images never go there.
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
  /** Over the prior draws whose image the forward maps back to finite values. */
  latentToLatent: AbsoluteError;
  /** Prior draws left out of z → x → z: their image is outside the forward's finite domain. */
  outsideDomain: number;
}

/** A model with an exact inverse: a latent space (for prior draws) and the 'exact' inversion. */
export interface BijectiveModel {
  readonly bundle: Bundle;
  readonly latents: LatentSpace;
  readonly inversion: ExactInversion;
}

export async function flowRoundTrip(
  model: BijectiveModel,
  images: ImageBatch,
  source: string,
  rng: Rng,
  batchSize: number,
): Promise<FlowRoundTrip> {
  const { forward, inverse } = model.inversion;
  const x = dequantizeToRange(
    levelsFromImages(images, source),
    model.bundle.manifest.image.range,
    rng.fork('round-trip-x'),
  );
  const xBack = await inverse((await forward(x, batchSize)).z, batchSize);
  const z = model.latents.samplePrior(images.n, rng.fork('round-trip-z'));
  const back = await forwardWhereFinite(forward, await inverse(z, batchSize), images.n, batchSize);
  const d = z.length / images.n;
  const zKept = new Float32Array(back.kept.length * d);
  back.kept.forEach((i, j) => zKept.set(z.subarray(i * d, (i + 1) * d), j * d));
  return {
    n: images.n,
    imageToImage: absoluteError(x, xBack),
    latentToLatent: absoluteError(zKept, back.z),
    outsideDomain: images.n - back.kept.length,
  };
}

/**
 * z of the images the forward takes to finite values, one by one when the
 * whole batch is refused; the indices kept. If none is kept the first error
 * stands: then the forward itself is broken, not a few far draws.
 */
async function forwardWhereFinite(
  forward: ExactInversion['forward'],
  x: Float32Array,
  n: number,
  batchSize: number,
): Promise<{ z: Float32Array; kept: number[] }> {
  try {
    return { z: (await forward(x, batchSize)).z, kept: Array.from({ length: n }, (_, i) => i) };
  } catch (whole) {
    const d = x.length / n;
    const kept: number[] = [];
    const zs: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      try {
        zs.push((await forward(x.slice(i * d, (i + 1) * d), 1)).z);
        kept.push(i);
      } catch {
        // outside the forward's finite domain: counted by the caller
      }
    }
    if (kept.length === 0) throw whole;
    const z = new Float32Array(kept.length * d);
    zs.forEach((zi, j) => z.set(zi, j * d));
    return { z, kept };
  }
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
