/**
 * Invertibility for one loaded model on a few real test images, by what the
 * model can do (its inversion capability, else completion): an exact inverse
 * is checked by round trips (flows), an encoder by its reconstructions (VAEs),
 * a latent search by optimising the latent (GANs), completion by drawing the
 * bottom half (autoregressive models, no latent). Returns what it measured
 * (assemble makes the report row) and the image batches to show; models with
 * latents add an interpolation grid. A failure fails this model's check only.
 */
import type { Rng } from '../core/rng.ts';
import { sliceImages, type ImageBatch } from '../core/types.ts';
import type { CodebookUsage } from '../models/codebook.ts';
import type { DiscreteCodes, GenerativeModel, LatentSpace, EncoderInversion } from '../models/generative-model.ts';
import { hybridReconstruction } from './codebook-usage.ts';
import { completeBottomHalf } from './completion.ts';
import { flowRoundTrip, type BijectiveModel } from './flow-round-trip.ts';
import { invertGenerator, searchable, type SearchableModel } from './gan-inversion.ts';
import { interpolationRows, pairRows } from './grids.ts';
import type { InterpolationPath } from './interpolation.ts';
import {
  reconstructionMetrics,
  type LabelCheck,
  type LabelPredictor,
  type ReconstructionMetrics,
} from './reconstruction.ts';

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

/** What one model's check measured, by method; none and failed carry the reason. */
export interface InvertibilityResult {
  /** round-trip: an exact inverse (flow); reconstruction: through an encoder; inversion: latent optimisation (GAN); completion: autoregressive. */
  method: 'round-trip' | 'reconstruction' | 'inversion' | 'completion' | 'failed' | 'none';
  /** How it was measured, in words. */
  label: string;
  /** Flow: x → z → x and z → x → z over n images, max and mean absolute error in model units. */
  roundTrip?: { n: number; imageToImage: { max: number; mean: number }; latentToLatent: { max: number; mean: number } };
  /** Reconstructions (completions: the drawn rows) of n test images. */
  reconstruction?: { n: number; metrics: ReconstructionMetrics };
  secondsPerImage?: number;
  /** Hybrid: how the test images' codes use the codebook. */
  codebook?: CodebookUsage;
  reason?: string;
}

export interface ModelInvertibility {
  result: InvertibilityResult;
  grids: InvertibilityGrid[];
}

/** Columns of the pair grids and steps of each interpolation row. */
const GRID_COLUMNS = 8;
const INTERPOLATION_ROWS = 4;

export async function evaluateInvertibility(
  name: string,
  model: GenerativeModel,
  context: InvertibilityContext,
): Promise<ModelInvertibility> {
  try {
    if (model.codes) return await hybridInvertibility(name, model.codes, context);
    const { latents, inversion } = model;
    if (latents && inversion?.kind === 'exact')
      return await roundTrips(name, { bundle: model.bundle, latents, inversion }, context);
    if (latents && inversion?.kind === 'encoder') return await encoderReconstruction(name, latents, inversion, context);
    const search = searchable(model);
    if (search) return await latentSearch(name, search, context);
    if (model.complete) return await completion(name, model.complete.bind(model), context);
    const reason = model.noInversion ?? 'the model offers no inverse, encoder, latent search or completion';
    return { result: { method: 'none', label: 'no inverse', reason }, grids: [] };
  } catch (e) {
    return { result: { method: 'failed', label: 'invertibility failed', reason: (e as Error).message }, grids: [] };
  }
}

async function roundTrips(
  name: string,
  model: BijectiveModel,
  context: InvertibilityContext,
): Promise<ModelInvertibility> {
  const { images, source, rng, batchSize } = context;
  const started = performance.now();
  const trip = await flowRoundTrip(model, images, source, rng.fork('round-trip'), batchSize);
  const secondsPerImage = (performance.now() - started) / 1000 / images.n;
  const latents = await model.inversion.encode(endpointImages(images), batchSize);
  return {
    result: {
      method: 'round-trip',
      label:
        'exact inverse: x → z → x at dequantized test pixels, z → x → z at prior draws (max and mean absolute error, model units)',
      roundTrip: {
        n: trip.n,
        imageToImage: trip.imageToImage,
        latentToLatent: trip.latentToLatent,
        ...(trip.outsideDomain > 0 ? { outsideDomain: trip.outsideDomain } : {}),
      },
      secondsPerImage,
    },
    grids: [
      await interpolationGrid(name, model.latents, latents, 'between the latents of pairs of test images', batchSize),
    ],
  };
}

async function encoderReconstruction(
  name: string,
  space: LatentSpace,
  encoder: EncoderInversion,
  context: InvertibilityContext,
): Promise<ModelInvertibility> {
  const { images, batchSize } = context;
  const started = performance.now();
  const codes = await encoder.encode(images, batchSize);
  const reconstructions = await space.decode(codes, batchSize);
  const secondsPerImage = (performance.now() - started) / 1000 / images.n;
  const metrics = await reconstructionMetrics(images, reconstructions, labelCheck(context));
  const latents = await encoder.encode(endpointImages(images), batchSize);
  return {
    result: {
      method: 'reconstruction',
      label: `decoded image at ${encoder.describes}: an approximate inverse`,
      reconstruction: { n: images.n, metrics },
      secondsPerImage,
    },
    grids: [
      pairGrid(
        name,
        images,
        reconstructions,
        'Reconstructions',
        `Odd rows: test images; even rows: the decoded image at ${encoder.describes}.`,
      ),
      await interpolationGrid(name, space, latents, `between ${encoder.describes}s of pairs of test images`, batchSize),
    ],
  };
}

async function latentSearch(
  name: string,
  model: SearchableModel,
  context: InvertibilityContext,
): Promise<ModelInvertibility> {
  const { images, config, rng, batchSize } = context;
  const inversion = await invertGenerator(model, images, { ...config, rng: rng.fork('inversion'), batchSize });
  const metrics = await reconstructionMetrics(images, inversion.reconstructions, labelCheck(context));
  const start = inversion.encoderStart ? 'the bundle encoder as first start' : 'no encoder';
  return {
    result: {
      method: 'inversion',
      label: `latent optimisation: Adam (learning rate ${config.learningRate}), ${config.steps} steps, best of ${config.restarts} seeded restart${config.restarts === 1 ? '' : 's'}, ${start}`,
      reconstruction: { n: images.n, metrics },
      secondsPerImage: inversion.secondsPerImage,
    },
    grids: [
      pairGrid(
        name,
        images,
        inversion.reconstructions,
        'Inversions',
        'Odd rows: test images; even rows: G(z) at the optimised latent.',
      ),
      await interpolationGrid(
        name,
        model.latents,
        model.latents.samplePrior(2 * INTERPOLATION_ROWS, rng.fork('interpolation')),
        'between seeded prior draws',
        batchSize,
      ),
    ],
  };
}

async function completion(
  name: string,
  complete: NonNullable<GenerativeModel['complete']>,
  context: InvertibilityContext,
): Promise<ModelInvertibility> {
  const { images, source, rng, batchSize } = context;
  const done = await completeBottomHalf(
    { complete },
    images,
    source,
    rng.fork('completion'),
    batchSize,
    labelCheck(context),
  );
  return {
    result: {
      method: 'completion',
      label: `no latent, so no inverse: the bottom half drawn from row ${done.fromRow} given the top half (MSE over the drawn rows)`,
      reconstruction: { n: images.n, metrics: done.metrics },
      secondsPerImage: done.secondsPerImage,
    },
    grids: [
      pairGrid(
        name,
        images,
        done.completed,
        'Completions',
        `Odd rows: test images; even rows: the model's completion from row ${done.fromRow}, given the rows above.`,
      ),
    ],
  };
}

async function hybridInvertibility(
  name: string,
  model: DiscreteCodes,
  context: InvertibilityContext,
): Promise<ModelInvertibility> {
  const { images, batchSize } = context;
  const done = await hybridReconstruction(model, images, batchSize, labelCheck(context));
  return {
    result: {
      method: 'reconstruction',
      label: "decoded image of the encoder's code grid z_q(x) (nearest codebook vectors): an approximate inverse",
      reconstruction: { n: images.n, metrics: done.metrics },
      secondsPerImage: done.secondsPerImage,
      codebook: done.usage,
    },
    grids: [
      pairGrid(
        name,
        images,
        done.reconstructions,
        'Reconstructions',
        "Odd rows: test images; even rows: the decoded image of the encoder's code grid.",
      ),
    ],
  };
}

function labelCheck(context: InvertibilityContext): LabelCheck | undefined {
  return context.labels && context.predict ? { labels: context.labels, predict: context.predict } : undefined;
}

function pairGrid(
  model: string,
  originals: ImageBatch,
  reconstructions: ImageBatch,
  title: string,
  caption: string,
): InvertibilityGrid {
  // Fewer test images than a row: as many columns as images, not black cells a reader takes for failures.
  const columns = Math.max(1, Math.min(GRID_COLUMNS, originals.n));
  return {
    kind: 'pairs',
    title: `${title}: ${model}`,
    caption,
    batch: pairRows(originals, reconstructions, columns),
    columns,
  };
}

async function interpolationGrid(
  model: string,
  space: LatentSpace,
  latents: Float32Array,
  between: string,
  batchSize: number,
): Promise<InvertibilityGrid> {
  const path: InterpolationPath = space.interpolation;
  return {
    kind: 'interpolation',
    title: `Latent interpolation: ${model}`,
    caption: `Each row ${GRID_COLUMNS} steps ${between}, ${path === 'linear' ? 'linear' : 'spherical'}.`,
    batch: await interpolationRows(space, latents, GRID_COLUMNS, path, batchSize),
    columns: GRID_COLUMNS,
  };
}

/** The first 2 × INTERPOLATION_ROWS test images (or as many pairs as there are). */
function endpointImages(images: ImageBatch): ImageBatch {
  return sliceImages(images, 0, Math.min(images.n - (images.n % 2), 2 * INTERPOLATION_ROWS));
}
