/**
 * One model through every per-model stage, in order: sample → features →
 * metrics → density → invertibility → truncation (models that truncate: GANs)
 * → training diagnostics, keeping the few images its grids show (drawn after
 * assemble, by render/grids.ts). A bad bundle or bad output throws an input GenreportError; the
 * pipeline then lists the model as failed, with none of its partial results.
 */
import { relative } from 'node:path';
import type { MetricCell, ModelEntry } from '../assemble/report-data.ts';
import { dimensionsOf } from '../likelihood/data-space.ts';
import { summarizeLogLikelihoods } from '../likelihood/nll-summary.ts';
import { modelSamples, type ModelSpec } from '../config/config.ts';
import { GenreportError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import { evaluateDensity, type DensityConfig, type ModelDensity } from '../density/evaluate.ts';
import {
  argmaxHistogram,
  diagnoseSamples,
  readTrainingLogOf,
  type BundleDiagnostics,
} from '../diagnostics/bundle-diagnostics.ts';
import type { DiagnosticThresholds } from '../diagnostics/thresholds.ts';
import type { TrainingLog } from '../diagnostics/training-log.ts';
import type { Extraction, FeatureExtractor } from '../features/extractor.ts';
import { CLASS_METRICS, spaceLabel } from '../features/spaces.ts';
import {
  evaluateInvertibility,
  type InvertibilityConfig,
  type InvertibilityResult,
} from '../invertibility/evaluate.ts';
import type { PairedDraws } from '../metrics/paired-difference.ts';
import {
  computeMetrics,
  isNotApplicable,
  type MetricInput,
  type MetricOptions,
  type ModelFamily,
} from '../metrics/registry.ts';
import { disposeBundle, type Bundle } from '../models/bundle.ts';
import type { GenerativeModel } from '../models/generative-model.ts';
import type { ImageSpill } from '../core/image-spill.ts';
import { loadModel } from '../models/load-model.ts';
import { formatValue } from '../render/format.ts';
import { gridPixels, type GridImages } from '../render/grids.ts';
import { samplesRng } from '../models/seeded-samples.ts';
import {
  truncatable,
  truncationFeatures,
  truncationFromFeatures,
  type TruncatableModel,
  type TruncationCurve,
  type TruncationFeatures,
  type TruncationOptions,
} from '../truncation/sweep.ts';
import { sampleAndExtract } from './generated-set.ts';
import { dataShapeProblems } from './check-inputs.ts';
import { GRID_SAMPLES, neighbourGrids, samplesGrid, type ClosestPair, type ImagesByIndex } from './image-grids.ts';
import { samplesOnlyDensity, samplesOnlyInvertibility } from './samples-only-rows.ts';
import type { Timed } from './stage-timer.ts';

/** The runtime of a samples-only model: nothing runs. */
const STORED_IMAGES = 'stored images (samples only)';

/**
 * The run's options that the per-model stages read, picked out of the run
 * config once by pipeline.ts: the stages below know these fields, not the
 * config's shape.
 */
export interface EvaluationOptions {
  /** Seeds sampling (the same latents for every model) and each stage's draws. */
  seed: number;
  batchSize: number;
  /** The run's sample count; a model may ask for its own. */
  samples: number;
  /** The real data's source as the config names it (messages and density/invertibility rows). */
  realSource: string;
  metrics: MetricOptions;
  density: DensityConfig;
  invertibility: InvertibilityConfig;
  truncation: Pick<TruncationOptions, 'psi' | 'samples'>;
  diagnostics: DiagnosticThresholds;
}

/** What every model is measured against: the same data, extractor and seeds. */
export interface EvaluationContext {
  options: EvaluationOptions;
  metricIds: string[];
  extractor: FeatureExtractor;
  real: { images: ImageBatch; set: MetricInput['real'] };
  /** The training split, embedded only when a memorisation metric asks for it. */
  train?: { images: ImageBatch; set: NonNullable<MetricInput['train']> };
  realClassHistogram?: number[];
  /** Feature spaces after the first: each model's images go through each, and its distance metrics get `<id>@<space>` ids. */
  spaces?: {
    id: string;
    extractor: FeatureExtractor;
    metricIds: string[];
    real: MetricInput['real'];
    train?: NonNullable<MetricInput['train']>;
    /** This later space's classifier gives the class-based metrics (plain ids), "same label" and the class histograms. */
    classes?: boolean;
  }[];
  /** Set (the reason) when no extractor's classes fit the data: class-based metrics are n/a with it. */
  noClassifier?: string;
  /** The test images every density is evaluated on, and held-out real images for Parzen. */
  density: { test: ImageBatch; validation?: ImageBatch };
  inversion: { images: ImageBatch; labels?: Uint8Array };
  logger: Logger;
  timed: Timed;
}

/** Where per-model results are kept between runs (pipeline/model-cache.ts writes them). */
export interface CachedModel {
  evaluation: ModelEvaluation;
  file: string;
}

export interface ModelCacheKey {
  dir: string;
  hash: string;
  samples?: number;
}

export interface ModelCache {
  /** `samples`: the model's own sample count, where it differs from the run's. */
  read(bundle: ModelCacheKey): CachedModel | null;
  /** Atomically; the file written, or why it could not be (a full disk must not fail the model). */
  write(bundle: ModelCacheKey, evaluation: ModelEvaluation): { file: string } | { problem: string };
  /** Delete entries this run did not read or write (a finished run keeps only its own). */
  prune(): void;
}

export interface ModelEvaluation {
  entry: ModelEntry;
  cells: Record<string, MetricCell>;
  /** Per metric id, values drawn with the same indices for every model (bootstrap replicates, KID subsets), so assemble pairs them. */
  paired: Record<string, PairedDraws>;
  /** The images of the model's grids, in report order (render/grids.ts draws them). */
  grids: GridImages[];
  density: ModelDensity;
  invertibility: InvertibilityResult;
  truncation?: TruncationCurve;
  /** Generated samples per class by the domain classifier, when it gives classes. */
  classHistogram?: number[];
  training: BundleDiagnostics;
}

/**
 * What the model itself is needed for: its generated images and their
 * features (all of them, or a shard's share), and once per model the work
 * on fixed real images (density, invertibility), the truncation sweep's
 * features and its training log. Everything after this needs features and
 * stored images only, so a run split across machines writes this
 * (pipeline/partial.ts) and merges it.
 */
export interface ModelMeasurement {
  /** The report row without the sampling speed (evaluateMeasured adds it). */
  entry: ModelEntry;
  /** The family metrics are told about (a samples-only model's declared one, if any). */
  family?: ModelFamily;
  /** The family the bundle's manifest gives, which training diagnostics read. */
  manifestFamily: ModelFamily;
  /** Only stored images: no sampling speed. */
  samplesOnly: boolean;
  /** The model's sample count (its own, or the run's). */
  samples: number;
  sampleSeconds: number;
  threads: number;
  /** The generated images' features in each space (the headline space first), the first GRID_SAMPLES images and every image by index. */
  generated: { n: number; extractions: Extraction[]; head: ImageBatch; images: ImagesByIndex };
  /** Present where this process did the model's fixed work (a single run always; a shard for the models it owns). */
  fixed?: FixedWork;
}

export interface FixedWork {
  density: ModelDensity;
  invertibility: InvertibilityResult;
  /** The reconstruction and interpolation grids' images. */
  invertibilityGrids: GridImages[];
  /** Models that truncate (GANs); absent where the sweep failed (a warning said why). */
  truncation?: TruncationFeatures;
  log: TrainingLog | null;
}

/**
 * Load the bundle (or samples-only model) at `spec` and measure it; `takenNames`
 * keeps names unique in one report. With a cache, a result stored for the same
 * run key and bundle is returned as it was, and a new result is stored as soon
 * as it is complete.
 */
export async function evaluateModel(
  spec: ModelSpec,
  takenNames: ReadonlySet<string>,
  context: EvaluationContext,
  cache?: ModelCache,
): Promise<ModelEvaluation> {
  const { options, logger } = context;
  const { bundle, model } = await loadChecked(spec, takenNames, context);
  try {
    const samples = modelSamples(spec, options.samples);
    // A model's own sample count changes its numbers, so it is part of its cache key.
    const cacheKey = { dir: bundle.dir, hash: bundle.hash, ...(samples === options.samples ? {} : { samples }) };
    const cached = cache?.read(cacheKey);
    if (cached) {
      logger.info(`  ${bundle.manifest.name}: reused results from ${cached.file} (same config, seed and bundle)`);
      return cached.evaluation;
    }
    const measured = await measureModel(bundle, model, samples, context, { fixed: true });
    try {
      const evaluation = await evaluateMeasured(measured, context);
      const kept = cache?.write(cacheKey, evaluation);
      if (kept && 'file' in kept) logger.info(`  results kept in ${kept.file}`);
      else if (kept) logger.warn(`  ${kept.problem}`);
      return evaluation;
    } finally {
      measured.dispose();
    }
  } finally {
    disposeBundle(bundle);
  }
}

/** The loaded model, refused when its image shape is not the data's or its name is taken. The caller disposes the bundle. */
export async function loadChecked(
  spec: ModelSpec,
  takenNames: ReadonlySet<string>,
  context: EvaluationContext,
): Promise<{ bundle: Bundle; model: GenerativeModel }> {
  const { bundle, model } = await context.timed('load', () => loadModel(spec));
  try {
    // A bundle declares its image shape; a samples-only model's is known once its images are read (measureModel).
    if (!model.samplesOnly) assertDataShape(bundle.manifest.image, bundle.manifestFile, context);
    const name = bundle.manifest.name;
    if (takenNames.has(name)) {
      throw new GenreportError({
        file: bundle.manifestFile,
        field: 'name',
        message: `two models are named "${name}"; names must be unique in one report`,
      });
    }
    return { bundle, model };
  } catch (e) {
    disposeBundle(bundle);
    throw e;
  }
}

/**
 * The model's `samples` images streamed through every feature space; with
 * `indices`, only those of a shard (global indices, ascending). `fixed`: also
 * the model's fixed work. `dispose()` deletes the images kept on disk.
 */
export async function measureModel(
  bundle: Bundle,
  model: GenerativeModel,
  samples: number,
  context: EvaluationContext,
  share: { indices?: Int32Array; fixed: boolean },
): Promise<ModelMeasurement & { dispose(): void }> {
  const { options, timed, logger } = context;
  const name = bundle.manifest.name;
  const count = share.indices ? share.indices.length : samples;
  // Every model sees the same latent stream for the same seed, and image j depends on the seed and j alone.
  // Samples stream through every feature space a batch at a time (generated-set.ts); only features stay in memory.
  const generated = await sampleAndExtract(
    model,
    samples,
    samplesRng(options.seed),
    options.batchSize,
    [context.extractor, ...(context.spaces ?? []).map((s) => s.extractor)],
    timed,
    {
      // A samples-only model's image shape is known once its images are read: checked before any extractor sees them.
      checkFirst: model.samplesOnly ? (batch) => assertDataShape(batch, bundle.manifestFile, context) : undefined,
      onProgress: (done) => logger.progress('sample', done, count),
    },
    share.indices,
  );
  try {
    // A samples-only model has the family its entry declares, or none.
    const family = model.samplesOnly ? model.samplesOnly.family : bundle.manifest.family;
    return {
      entry: {
        name,
        family: family ?? 'unknown',
        bundle: relative(process.cwd(), bundle.dir) || bundle.dir,
        hash: bundle.hash,
        parameters: bundle.parameters,
        status: 'ok',
        ...(samples === options.samples ? {} : { samples }),
        runtime: model.samplesOnly ? STORED_IMAGES : bundle.runtimes.join('; '),
      },
      family,
      manifestFamily: bundle.manifest.family,
      samplesOnly: Boolean(model.samplesOnly),
      samples,
      sampleSeconds: generated.sampleSeconds,
      threads: model.samplingThreads?.(count, options.batchSize) ?? 1,
      generated: { n: generated.n, extractions: generated.extractions, head: generated.head, images: generated.images },
      fixed: share.fixed ? await fixedWork(name, bundle, model, generated.images, context) : undefined,
      dispose: () => generated.images.dispose(),
    };
  } catch (e) {
    generated.images.dispose();
    throw e;
  }
}

/** Density and invertibility on the fixed real images, the truncation sweep's features, the training log. */
async function fixedWork(
  name: string,
  bundle: Bundle,
  model: GenerativeModel,
  images: ImageSpill,
  context: EvaluationContext,
): Promise<FixedWork> {
  const { options, timed, logger } = context;
  // The same seeded streams for every model, as for sampling.
  const measureRng = new Rng(options.seed).fork('measure');
  // A samples-only model has stored images alone: no density, inverse, truncation or speed.
  const density = model.samplesOnly
    ? samplesOnlyDensity(model.samplesOnly.reason)
    : await timed('density', () =>
        evaluateDensity(name, model, {
          test: context.density.test,
          source: options.realSource,
          config: options.density,
          rng: measureRng.fork('density'),
          batchSize: options.batchSize,
          // Parzen (behind a flag) centres a kernel on every sample: the one reader of all n images, back from disk.
          parzen: context.density.validation
            ? { generated: images.slice(0, images.n), validation: context.density.validation }
            : undefined,
        }),
      );
  logger.info(`  density: ${densitySummary(density, dimensionsOf(context.density.test))}`);
  // "Same label": context.inversion.labels are the real labels where they are the classifier's classes, else its own label of each original.
  const classSpace = context.spaces?.find((s) => s.classes);
  const classifier = classSpace ? classSpace.extractor : context.real.set.probabilities ? context.extractor : undefined;
  const inverted = model.samplesOnly
    ? samplesOnlyInvertibility(model.samplesOnly.reason)
    : await timed('invertibility', () =>
        evaluateInvertibility(name, model, {
          images: context.inversion.images,
          labels: context.inversion.labels,
          predict: classifier ? (batch) => predictLabels(classifier, batch, options.batchSize) : undefined,
          source: options.realSource,
          config: options.invertibility,
          rng: measureRng.fork('invertibility'),
          batchSize: options.batchSize,
        }),
      );
  if (inverted.result.reason) logger.warn(`  invertibility: ${inverted.result.reason}`);
  const invertibilityGrids = inverted.grids.map(
    (g, i): GridImages => ({
      id: `invertibility-${name}-${i}`,
      title: g.title,
      caption: g.caption,
      model: name,
      columns: g.columns,
      section: 'invertibility',
      pixels: gridPixels(g.batch),
    }),
  );
  const truncating = model.samplesOnly ? null : truncatable(model);
  const truncation = truncating ? await sweepTruncation(truncating, context, measureRng) : undefined;
  return {
    density,
    invertibility: inverted.result,
    invertibilityGrids,
    truncation,
    log: readTrainingLogOf(bundle, logger.warn),
  };
}

/**
 * Metrics, the grids' images, the truncation curve and training diagnostics from a
 * model's measurement with every generated image (one run's, or the shards'
 * merged in global order), against every real feature.
 */
export async function evaluateMeasured(
  measured: ModelMeasurement,
  context: EvaluationContext,
): Promise<ModelEvaluation> {
  const { options, timed, logger } = context;
  const { name } = measured.entry;
  const { generated, fixed, family } = measured;
  if (!fixed) throw new Error(`${name}: no shard did this model's density and invertibility`);
  const [extracted, ...spaceExtractions] = generated.extractions;
  if (!extracted) throw new Error(`${name}: no features were extracted from its samples`);
  // Class-based metrics come from one space's classifier (classifierSpace): a first
  // space that is not it keeps its probabilities away from them.
  const classSpace = context.spaces?.find((s) => s.classes);
  const fakeSet =
    context.noClassifier || classSpace ? { ...extracted, probabilities: undefined, classes: undefined } : extracted;
  let classProbabilities = fakeSet.probabilities;
  const { cells, paired, closestPairs } = await timed('metrics', async () =>
    metricCells({ real: context.real.set, fake: fakeSet, train: context.train?.set, family }, context),
  );
  if (context.noClassifier) {
    for (const id of CLASS_METRICS)
      if (cells[id]?.kind === 'not-applicable') cells[id] = { kind: 'not-applicable', reason: context.noClassifier };
  }
  for (const [i, space] of (context.spaces ?? []).entries()) {
    const spaceFake = spaceExtractions[i]!;
    const more = await timed('metrics', async () =>
      metricCells(
        { real: space.real, fake: spaceFake, train: space.train, family },
        { ...context, metricIds: space.metricIds },
      ),
    );
    for (const [id, cell] of Object.entries(more.cells)) cells[`${id}@${space.id}`] = cell;
    for (const [id, draws] of Object.entries(more.paired)) paired[`${id}@${space.id}`] = draws;
    if (space.classes) {
      const classIds = context.metricIds.filter((id) => CLASS_METRICS.includes(id));
      const byClass = await timed('metrics', async () =>
        metricCells({ real: space.real, fake: spaceFake, family }, { ...context, metricIds: classIds }),
      );
      Object.assign(cells, byClass.cells);
      Object.assign(paired, byClass.paired);
      classProbabilities = spaceFake.probabilities;
    }
  }
  logger.info(`  ${summaryLine(cells)}`);
  // Read now, while the generated images exist: a model's are deleted once it is measured.
  const grids = [
    samplesGrid(
      `samples-${name}`,
      `Samples: ${name}`,
      `${GRID_SAMPLES} samples from seed ${options.seed}; models with the same prior and latent size get the same latents.`,
      generated.head,
      name,
    ),
    ...neighbourGrids(
      name,
      generated.images,
      fakeSet.features,
      context.real.images,
      context.real.set.features,
      context.train?.images,
      closestPairs,
      context.spaces?.length ? spaceLabel(context.extractor.info.name) : undefined,
    ),
    ...fixed.invertibilityGrids,
  ];
  const truncation =
    fixed.truncation &&
    (await timed('truncation', async () => truncationFromFeatures(fixed.truncation!, context.real.set.features)));
  const training = await timed('diagnostics', async () =>
    diagnoseSamples(
      { name, family: measured.manifestFamily },
      fixed.log,
      {
        generated: { ...fakeSet, probabilities: classProbabilities },
        real: { features: context.real.set.features, classHistogram: context.realClassHistogram },
      },
      options.diagnostics,
    ),
  );
  logger.info(`  training: ${training.diagnostics.verdict}`);
  return {
    entry: {
      ...measured.entry,
      ...(measured.samplesOnly ? {} : { samplesPerSecond: measured.samples / measured.sampleSeconds }),
      ...(measured.threads > 1 ? { samplingThreads: measured.threads } : {}),
    },
    cells,
    paired,
    grids,
    density: fixed.density,
    invertibility: fixed.invertibility,
    truncation,
    classHistogram: classProbabilities ? argmaxHistogram(classProbabilities) : undefined,
    training,
  };
}

function metricCells(
  input: MetricInput,
  { options, metricIds }: EvaluationContext,
): { cells: Record<string, MetricCell>; paired: Record<string, PairedDraws>; closestPairs?: ClosestPair[] } {
  const results = computeMetrics(metricIds, input, options.metrics);
  const cells = Object.fromEntries(
    Object.entries(results).map(([id, r]): [string, MetricCell] => [
      id,
      isNotApplicable(r)
        ? { kind: 'not-applicable', reason: r.notApplicable }
        : { kind: 'value', value: r.value, std: r.std, interval: r.interval, n: r.n },
    ]),
  );
  const paired = Object.fromEntries(
    Object.entries(results).flatMap(([id, r]) => (!isNotApplicable(r) && r.paired ? [[id, r.paired]] : [])),
  );
  const memorisation = results['memorisation-share'];
  return {
    cells,
    paired,
    closestPairs: memorisation && !isNotApplicable(memorisation) ? memorisation.closestPairs : undefined,
  };
}

/** The truncation sweep's features at each ψ; a failed sweep is a warning, not a failed model. */
async function sweepTruncation(
  model: TruncatableModel,
  context: EvaluationContext,
  measureRng: Rng,
): Promise<TruncationFeatures | undefined> {
  const { options, timed } = context;
  try {
    return await timed('truncation', () =>
      truncationFeatures(model, context.extractor, {
        ...options.truncation,
        rng: measureRng.fork('truncation'),
        batchSize: options.batchSize,
      }),
    );
  } catch (e) {
    context.logger.warn(`  truncation sweep failed: ${(e as Error).message}`);
    return undefined;
  }
}

/** The domain classifier's label for each image (argmax of its probabilities). */
export async function predictLabels(
  extractor: FeatureExtractor,
  images: ImageBatch,
  batchSize: number,
): Promise<Uint8Array> {
  const { probabilities } = await extractor.extract(images, batchSize);
  if (!probabilities)
    throw new Error(
      `${extractor.info.name} gives no class probabilities, so reconstructions cannot be checked by label`,
    );
  const labels = new Uint8Array(probabilities.rows);
  for (let i = 0; i < probabilities.rows; i++) {
    const row = probabilities.data.subarray(i * probabilities.cols, (i + 1) * probabilities.cols);
    labels[i] = row.indexOf(Math.max(...row));
  }
  return labels;
}

function densitySummary(density: ModelDensity, dimensions: number): string {
  if (density.missing) return `${density.missing.kind}: ${density.missing.reason}`;
  return density.entries
    .map(
      ({ estimate }) =>
        `${estimate.estimator} ${summarizeLogLikelihoods(estimate.logLikelihoods, dimensions).bitsPerDim.mean.toFixed(3)} bits/dim`,
    )
    .join(', ');
}

function summaryLine(values: Record<string, MetricCell>): string {
  return Object.entries(values)
    .map(([id, c]) => (c.kind === 'value' ? `${id} ${formatValue(c.value)}` : `${id} -`))
    .join(', ');
}

function assertDataShape(
  image: { height: number; width: number; channels: number },
  file: string,
  context: EvaluationContext,
): void {
  const shape = dataShapeProblems(image, file, context.real.images, context.options.realSource);
  if (shape.length > 0) throw new GenreportError(shape);
}
