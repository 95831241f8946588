/**
 * Density for one loaded model on the reference test images: every estimate
 * its likelihood capability gives (exact, bounds; opt-in Parzen where it has none) as report rows, or
 * one row saying why there is none. A NaN or a shape error fails this model's
 * density cell with the message; it does not fail the model.
 */
import type { DensityRow, Estimate95 } from '../assemble/report-data.ts';
import type { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import type { GenerativeModel, LikelihoodCapability } from '../models/generative-model.ts';
import type { RankedEntry } from '../likelihood/comparability.ts';
import { dimensionsOf } from '../likelihood/data-space.ts';
import type { LikelihoodEstimate } from '../likelihood/likelihood-estimate.ts';
import { summarizeLogLikelihoods, type MeanInterval } from '../likelihood/nll-summary.ts';
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
  rows: DensityRow[];
  /** The estimates that may enter a ranking, for groupByDataSpace. */
  entries: RankedEntry[];
}

export async function evaluateDensity(name: string, model: GenerativeModel, context: DensityContext): Promise<ModelDensity> {
  try {
    const estimates = await estimatesFor(model, context);
    if (estimates === null) return { rows: [{ model: name, kind: 'none', label: 'no density', reason: model.noLikelihood ?? NO_DENSITY }], entries: [] };
    for (const estimate of estimates) requireFinite(estimate);
    const elbo = estimates.find((e) => e.estimator === 'elbo');
    const d = dimensionsOf(context.test);
    const rows = estimates.map((e) => densityRow(name, e, d, e.estimator === 'iwae' && elbo ? meanOf(e.logLikelihoods) - meanOf(elbo.logLikelihoods) : undefined));
    return { rows, entries: estimates.map((estimate) => ({ model: name, estimate })) };
  } catch (e) {
    return { rows: [{ model: name, kind: 'failed', label: 'density failed', reason: (e as Error).message }], entries: [] };
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

/** An estimate as a report row; `dimensions` is D of the images it was measured on. */
export function densityRow(model: string, estimate: LikelihoodEstimate, dimensions: number, gap?: number): DensityRow {
  const summary = summarizeLogLikelihoods(estimate.logLikelihoods, dimensions);
  return {
    model,
    kind: estimate.kind,
    estimator: estimate.estimator,
    label: estimate.label,
    dataSpace: estimate.dataSpace,
    natsPerImage: estimate95(summary.nats),
    bitsPerDim: estimate95(summary.bitsPerDim),
    n: summary.nats.n,
    samples: estimate.samples,
    secondsPerImage: estimate.secondsPerImage,
    ...(gap === undefined ? {} : { gap }),
  };
}

function estimate95(m: MeanInterval): Estimate95 {
  // One image has no interval: its ends are the value itself.
  return { value: m.mean, low: Number.isFinite(m.low) ? m.low : m.mean, high: Number.isFinite(m.high) ? m.high : m.mean };
}

function requireFinite(estimate: LikelihoodEstimate): void {
  const bad = estimate.logLikelihoods.filter((v) => !Number.isFinite(v)).length;
  if (bad > 0) throw new Error(`${estimate.estimator}: log-likelihood is not finite for ${bad} of ${estimate.logLikelihoods.length} images`);
}

function meanOf(values: Float64Array): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
