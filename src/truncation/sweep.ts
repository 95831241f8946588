/**
 * The truncation trick (GANs): latents moved toward the prior's centre by
 * ψ ≤ 1 trade diversity for fidelity. The same seeded latents at every ψ,
 * truncated by the model (truncate) and decoded, scored by precision and
 * recall (Kynkäänniemi k = 3) against the real features, so the curve shows
 * the trade-off rather than sampling noise. An evaluation like density's: it
 * returns its curve, and assemble makes the report row.
 */
import type { Rng } from '../core/rng.ts';
import type { FeatureMatrix } from '../core/types.ts';
import type { FeatureExtractor } from '../features/extractor.ts';
import type { GenerativeModel, LatentSpace } from '../models/generative-model.ts';
import { PR_K, prdcFromFeatures } from '../metrics/prdc.ts';

export interface TruncationOptions {
  psi: readonly number[];
  samples: number;
  rng: Rng;
  batchSize: number;
}

/** A model the sweep applies to: a latent space and the truncation trick. */
export interface TruncatableModel {
  readonly latents: LatentSpace;
  truncate(latents: Float32Array, psi: number): Float32Array;
  /** Coordinates truncate leaves alone, which the report names. */
  readonly untruncated?: readonly number[];
}

/** The model as a TruncatableModel, or null where truncation does not apply. */
export function truncatable(model: GenerativeModel): TruncatableModel | null {
  const { latents, truncate, untruncated } = model;
  return latents && truncate ? { latents, truncate: (z, psi) => truncate.call(model, z, psi), untruncated } : null;
}

/** Precision and recall at each ψ, ψ ascending, each over `samples` images. */
export interface TruncationCurve {
  samples: number;
  /** The latent coordinates left unscaled, where the model keeps any. */
  untruncated?: number[];
  points: { psi: number; precision: number; recall: number }[];
}

export async function truncationSweep(
  model: TruncatableModel,
  extractor: FeatureExtractor,
  realFeatures: FeatureMatrix,
  options: TruncationOptions,
): Promise<TruncationCurve> {
  return truncationFromFeatures(await truncationFeatures(model, extractor, options), realFeatures);
}

/** The sweep's generated features at each ψ (ascending): the model's part, which a shard of a split run does. */
export interface TruncationFeatures {
  samples: number;
  untruncated?: number[];
  points: { psi: number; features: FeatureMatrix }[];
}

export async function truncationFeatures(
  model: TruncatableModel,
  extractor: FeatureExtractor,
  options: TruncationOptions,
): Promise<TruncationFeatures> {
  const { psi, samples, rng, batchSize } = options;
  const z = model.latents.samplePrior(samples, rng);
  const points: TruncationFeatures['points'] = [];
  for (const p of [...psi].sort((a, b) => a - b)) {
    const images = await model.latents.decode(model.truncate(z, p), batchSize);
    points.push({ psi: p, features: (await extractor.extract(images, batchSize)).features });
  }
  return { samples, ...(model.untruncated?.length ? { untruncated: [...model.untruncated] } : {}), points };
}

/** Precision and recall of each ψ's features against every real feature: the part that needs the whole real set. */
export function truncationFromFeatures(sweep: TruncationFeatures, realFeatures: FeatureMatrix): TruncationCurve {
  const points = sweep.points.map(({ psi, features }) => {
    const { precision, recall } = prdcFromFeatures(realFeatures, features, { prK: PR_K });
    return { psi, precision, recall };
  });
  return { ...sweep, points };
}
