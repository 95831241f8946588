/**
 * Latent interpolation between two latents, decoded (GAN generator, VAE
 * decoded image, flow inverse). Spherical interpolation keeps Gaussian latents
 * at a typical norm, where a straight line passes through the unlikely centre.
 */
import type { ImageBatch } from '../core/types.ts';
import type { LatentDecoder } from '../models/generative-model.ts';

export type InterpolationPath = 'linear' | 'slerp';

/** `steps` images from a to b inclusive (steps ≥ 2). */
export async function interpolateLatents(
  decoder: LatentDecoder,
  a: Float32Array,
  b: Float32Array,
  steps: number,
  path: InterpolationPath,
  batchSize: number,
): Promise<ImageBatch> {
  const d = decoder.latentDim;
  const latents = new Float32Array(steps * d);
  const angle = Math.acos(Math.max(-1, Math.min(1, dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)))));
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    // Near-parallel latents: slerp's weights tend to linear ones.
    const [wa, wb] =
      path === 'slerp' && angle > 1e-6
        ? [Math.sin((1 - t) * angle) / Math.sin(angle), Math.sin(t * angle) / Math.sin(angle)]
        : [1 - t, t];
    for (let j = 0; j < d; j++) latents[s * d + j] = wa * a[j]! + wb * b[j]!;
  }
  return decoder.decode(latents, batchSize);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
