/**
 * The truncation trick for GANs: latents scaled by ψ ≤ 1 trade diversity
 * for fidelity. The same seeded latents at every ψ, through the generator,
 * scored by precision and recall (Kynkäänniemi k = 3) against the real features,
 * so the curve shows the trade-off rather than sampling noise.
 */
import type { TruncationSweep } from '../assemble/report-data.ts';
import type { Rng } from '../core/rng.ts';
import type { FeatureMatrix } from '../core/types.ts';
import type { FeatureExtractor } from '../features/extractor.ts';
import { generatorDecoder } from '../invertibility/gan-inversion.ts';
import type { GanModel } from '../models/adapters/gan.ts';
import { PR_K, prdcFromFeatures } from '../metrics/prdc.ts';

export interface TruncationOptions {
  psi: readonly number[];
  samples: number;
  rng: Rng;
  batchSize: number;
}

export async function truncationSweep(name: string, gan: GanModel, extractor: FeatureExtractor, realFeatures: FeatureMatrix, options: TruncationOptions): Promise<TruncationSweep> {
  const { psi, samples, rng, batchSize } = options;
  const z = gan.bundle.prior!.sample(samples, rng);
  const decoder = generatorDecoder(gan.bundle);
  const points: TruncationSweep['points'] = [];
  for (const p of [...psi].sort((a, b) => a - b)) {
    const images = await decoder.decode(z.map((v) => p * v), batchSize);
    const { features } = await extractor.extract(images, batchSize);
    const { precision, recall } = prdcFromFeatures(realFeatures, features, { prK: PR_K });
    points.push({ psi: p, precision, recall });
  }
  return { model: name, samples, points };
}
