/**
 * Invertibility for one loaded model on a few real test images, by family:
 * flow round trip, VAE reconstruction through the encoder mean, GAN inversion
 * by latent optimisation, autoregressive completion of the bottom half (no
 * latent). Returns the report row and the image batches to show; latent
 * families add an interpolation grid. A failure fails this row only.
 */
import type { InvertibilityRow } from '../assemble/report-data.ts';
import type { Rng } from '../core/rng.ts';
import { sliceImages, type ImageBatch } from '../core/types.ts';
import { AutoregressiveModel } from '../models/adapters/autoregressive.ts';
import { FlowModel } from '../models/adapters/flow.ts';
import { GanModel } from '../models/adapters/gan.ts';
import { VaeModel } from '../models/adapters/vae.ts';
import type { GenerativeModel, LatentDecoder } from '../models/generative-model.ts';
import { completeBottomHalf } from './completion.ts';
import { flowRoundTrip } from './flow-round-trip.ts';
import { generatorDecoder, invertGenerator } from './gan-inversion.ts';
import { interpolationRows, pairRows } from './grids.ts';
import type { InterpolationPath } from './interpolation.ts';
import { reconstructionMetrics, type LabelCheck, type LabelPredictor, type ReconstructionMetrics } from './reconstruction.ts';

export interface InvertibilityConfig {
  restarts: number;
  steps: number;
  learningRate: number;
}

export interface InvertibilityContext {
  /** A few real test images in [0, 1] (8-bit for flows and autoregressive models). */
  images: ImageBatch;
  /** Their labels, when known, for the classifier check. */
  labels?: ArrayLike<number>;
  predict?: LabelPredictor;
  source: string;
  config: InvertibilityConfig;
  rng: Rng;
  batchSize: number;
}

export interface InvertibilityGrid {
  kind: 'pairs' | 'interpolation';
  title: string;
  caption: string;
  batch: ImageBatch;
  columns: number;
}

export interface ModelInvertibility {
  row: InvertibilityRow;
  grids: InvertibilityGrid[];
}

/** Columns of the pair grids and steps of each interpolation row. */
const GRID_COLUMNS = 8;
const INTERPOLATION_ROWS = 4;

export async function evaluateInvertibility(name: string, model: GenerativeModel, context: InvertibilityContext): Promise<ModelInvertibility> {
  try {
    if (model instanceof FlowModel) return await flowInvertibility(name, model, context);
    if (model instanceof VaeModel) return await vaeInvertibility(name, model, context);
    if (model instanceof GanModel) return await ganInvertibility(name, model, context);
    if (model instanceof AutoregressiveModel) return await completion(name, model, context);
    return { row: { model: name, method: 'failed', label: 'not measured', reason: `no invertibility check for family "${model.bundle.manifest.family}"` }, grids: [] };
  } catch (e) {
    return { row: { model: name, method: 'failed', label: 'invertibility failed', reason: (e as Error).message }, grids: [] };
  }
}

async function flowInvertibility(name: string, flow: FlowModel, context: InvertibilityContext): Promise<ModelInvertibility> {
  const { images, source, rng, batchSize } = context;
  const started = performance.now();
  const trip = await flowRoundTrip(flow, images, source, rng.fork('round-trip'), batchSize);
  const secondsPerImage = (performance.now() - started) / 1000 / images.n;
  const latents = await flow.encode(endpointImages(images), batchSize);
  return {
    row: {
      model: name,
      method: 'round-trip',
      label: 'exact inverse: x → z → x at dequantized test pixels, z → x → z at prior draws (max and mean absolute error, model units)',
      n: trip.n,
      roundTrip: { imageToImage: trip.imageToImage, latentToLatent: trip.latentToLatent },
      secondsPerImage,
    },
    grids: [await interpolationGrid(name, flow, latents, 'linear', 'between the latents of pairs of test images', batchSize)],
  };
}

async function vaeInvertibility(name: string, vae: VaeModel, context: InvertibilityContext): Promise<ModelInvertibility> {
  const { images, batchSize } = context;
  const started = performance.now();
  const { mean } = await vae.encode(images, batchSize);
  const reconstructions = await vae.decode(mean, batchSize);
  const secondsPerImage = (performance.now() - started) / 1000 / images.n;
  const metrics = await reconstructionMetrics(images, reconstructions, labelCheck(context));
  const latents = (await vae.encode(endpointImages(images), batchSize)).mean;
  return {
    row: { model: name, method: 'reconstruction', label: 'decoded image at the encoder mean: an approximate inverse', ...metricFields(metrics, images.n), secondsPerImage },
    grids: [
      pairGrid(name, images, reconstructions, 'Reconstructions', 'Odd rows: test images; even rows: the decoded image at the encoder mean.'),
      await interpolationGrid(name, vae, latents, 'linear', 'between the encoder means of pairs of test images', batchSize),
    ],
  };
}

async function ganInvertibility(name: string, gan: GanModel, context: InvertibilityContext): Promise<ModelInvertibility> {
  const { images, config, rng, batchSize } = context;
  const inversion = await invertGenerator(gan.bundle, images, { ...config, rng: rng.fork('inversion'), batchSize });
  const metrics = await reconstructionMetrics(images, inversion.reconstructions, labelCheck(context));
  const decoder = generatorDecoder(gan.bundle);
  const start = inversion.encoderStart ? 'the bundle encoder as first start' : 'no encoder';
  return {
    row: {
      model: name,
      method: 'inversion',
      label: `latent optimisation: Adam (learning rate ${config.learningRate}), ${config.steps} steps, best of ${config.restarts} seeded restart${config.restarts === 1 ? '' : 's'}, ${start}`,
      ...metricFields(metrics, images.n),
      secondsPerImage: inversion.secondsPerImage,
    },
    grids: [
      pairGrid(name, images, inversion.reconstructions, 'Inversions', 'Odd rows: test images; even rows: G(z) at the optimised latent.'),
      await interpolationGrid(name, decoder, priorDraws(gan, rng.fork('interpolation')), 'slerp', 'between seeded prior draws, spherical', batchSize),
    ],
  };
}

async function completion(name: string, model: AutoregressiveModel, context: InvertibilityContext): Promise<ModelInvertibility> {
  const { images, source, rng, batchSize } = context;
  const done = await completeBottomHalf(model, images, source, rng.fork('completion'), batchSize, labelCheck(context));
  return {
    row: {
      model: name,
      method: 'completion',
      label: `no latent, so no inverse: the bottom half drawn from row ${done.fromRow} given the top half (MSE over the drawn rows)`,
      ...metricFields(done.metrics, images.n),
      secondsPerImage: done.secondsPerImage,
    },
    grids: [pairGrid(name, images, done.completed, 'Completions', `Odd rows: test images; even rows: the model's completion from row ${done.fromRow}, given the rows above.`)],
  };
}

function metricFields(metrics: ReconstructionMetrics, n: number): Pick<InvertibilityRow, 'n' | 'mse' | 'psnr' | 'labelAgreement'> {
  const { mse, psnr, labelAgreement } = metrics;
  return {
    n,
    mse: { value: mse.mean, low: Number.isFinite(mse.low) ? mse.low : mse.mean, high: Number.isFinite(mse.high) ? mse.high : mse.mean },
    psnr,
    ...(labelAgreement ? { labelAgreement: { value: labelAgreement.share, low: labelAgreement.low, high: labelAgreement.high, n: labelAgreement.n } } : {}),
  };
}

function labelCheck(context: InvertibilityContext): LabelCheck | undefined {
  return context.labels && context.predict ? { labels: context.labels, predict: context.predict } : undefined;
}

function pairGrid(model: string, originals: ImageBatch, reconstructions: ImageBatch, title: string, caption: string): InvertibilityGrid {
  // Fewer test images than a row: as many columns as images, not black cells a reader takes for failures.
  const columns = Math.max(1, Math.min(GRID_COLUMNS, originals.n));
  return { kind: 'pairs', title: `${title}: ${model}`, caption, batch: pairRows(originals, reconstructions, columns), columns };
}

async function interpolationGrid(model: string, decoder: LatentDecoder, latents: Float32Array, path: InterpolationPath, between: string, batchSize: number): Promise<InvertibilityGrid> {
  return {
    kind: 'interpolation',
    title: `Latent interpolation: ${model}`,
    caption: `Each row ${GRID_COLUMNS} steps ${between}${path === 'linear' ? ', linear' : ''}.`,
    batch: await interpolationRows(decoder, latents, GRID_COLUMNS, path, batchSize),
    columns: GRID_COLUMNS,
  };
}

/** The first 2 × INTERPOLATION_ROWS test images (or as many pairs as there are). */
function endpointImages(images: ImageBatch): ImageBatch {
  return sliceImages(images, 0, Math.min(images.n - (images.n % 2), 2 * INTERPOLATION_ROWS));
}

function priorDraws(gan: GanModel, rng: Rng): Float32Array {
  return gan.bundle.prior!.sample(2 * INTERPOLATION_ROWS, rng);
}
