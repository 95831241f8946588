/**
 * Density for one loaded model on the reference test images: every estimate
 * its likelihood capability gives (exact, bounds; opt-in Parzen where it has
 * none), or why there is none. A NaN or a shape error fails this model's
 * density with the message; it does not fail the model. assemble turns the
 * estimates into report rows (bits/dim with intervals).
 */
import type { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import type { GenerativeModel, LikelihoodCapability } from '../models/generative-model.ts';
import type { RankedEntry } from '../likelihood/comparability.ts';
import type { LikelihoodEstimate } from '../likelihood/likelihood-estimate.ts';
import { parzenLikelihood } from './parzen.ts';

export interface DensityConfig {
  iwaeSamples: number;
  dequantizationSamples: number;
  parzen: boolean;
}

export interface DensityContext {
  /** Real test images, 8-bit. */
  test: ImageBatch;
  /** Named in messages about the test images. */
  source: string;
  config: DensityConfig;
  rng: Rng;
  batchSize: number;
  /** For the opt-in Parzen estimate: the model's samples and images to choose σ on. */
  parzen?: { generated: ImageBatch; validation: ImageBatch };
}

export interface ModelDensity {
  /** Every estimate, each named with the model (they may enter a ranking: groupByDataSpace). */
  entries: RankedEntry[];
  /** Why there is no estimate: the model has no density ('none'), or measuring it failed. */
  missing?: { kind: 'none' | 'failed'; label: string; reason: string };
}

export async function evaluateDensity(
  name: string,
  model: GenerativeModel,
  context: DensityContext,
): Promise<ModelDensity> {
  try {
    const estimates = await estimatesFor(model, context);
    if (estimates === null)
      return { entries: [], missing: { kind: 'none', label: 'no density', reason: model.noLikelihood ?? NO_DENSITY } };
    for (const estimate of estimates) requireFinite(estimate);
    return { entries: estimates.map((estimate) => ({ model: name, estimate })) };
  } catch (e) {
    return { entries: [], missing: { kind: 'failed', label: 'density failed', reason: (e as Error).message } };
  }
}

/** Said where a model neither has a likelihood nor says why not. */
const NO_DENSITY = 'no density: the model offers no likelihood';

/** The run's Monte Carlo count for each kind of draw a likelihood takes. */
function drawsFor(draws: LikelihoodCapability['draws'], config: DensityConfig): number {
  if (draws === 'importance') return config.iwaeSamples;
  if (draws === 'dequantization') return config.dequantizationSamples;
  return 1;
}

/** null: the model has no density and the run did not ask for Parzen. */
async function estimatesFor(model: GenerativeModel, context: DensityContext): Promise<LikelihoodEstimate[] | null> {
  const { test, source, config, rng, batchSize } = context;
  if (model.likelihood) {
    const samples = drawsFor(model.likelihood.draws, config);
    return model.likelihood.logLikelihood(test, { rng: rng.fork('density'), batchSize, samples, source });
  }
  if (config.parzen && context.parzen) {
    const { generated, validation } = context.parzen;
    return [parzenLikelihood(generated, validation, test, source, { rng: rng.fork('parzen') }).estimate];
  }
  return null;
}

function requireFinite(estimate: LikelihoodEstimate): void {
  const bad = estimate.logLikelihoods.filter((v) => !Number.isFinite(v)).length;
  if (bad > 0)
    throw new Error(
      `${estimate.estimator}: log-likelihood is not finite for ${bad} of ${estimate.logLikelihoods.length} images`,
    );
}
