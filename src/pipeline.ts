/**
 * The pipeline, in order (the timed stages of pipeline/stage-timer.ts's STAGES in its order):
 *
 *   config ─► human ratings ─► load (real data, extractors) ─► real features per space ─► density reference
 *     ─► per model (pipeline/evaluate-model.ts): load ─► sample + features (streamed) ─► density
 *          ─► invertibility ─► truncation sweep ─► metrics ─► truncation curve ─► diagnostics,
 *          keeping only the images its grids show
 *     ─► assemble ─► render: trend (history), grids (render/grids.ts), charts (render/charts/), complete
 *     ─► write: HTML, Markdown, TeX, PDF, JSON ─► append to history
 *
 * This file sets up what every model is measured against and runs the stages
 * around the per-model ones in order.
 * Data flows one way. A model that fails (bad bundle, NaN, wrong shape) is
 * reported as failed and the others go on; a run that fails as a whole writes
 * nothing, so the last good report stays where it was.
 */
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { assembleReport, completeReport, type AssembleInput } from './assemble/assemble.ts';
import type { ModelEntry, ReportData, StageTiming } from './assemble/report-data.ts';
import { modelPath, modelSamples, type RunConfig } from './config/config.ts';
import { initBackend, type BackendPreference } from './core/backend.ts';
import { GenreportError, inputError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import { sliceImages } from './core/types.ts';
import { resolveImageSource, type ImageSource } from './data/source.ts';
import { referenceDensity } from './density/reference.ts';
import { dimensionsOf } from './likelihood/data-space.ts';
import { loadExtractor } from './features/registry.ts';
import { CLASS_METRICS, spaceIdFor, spaceLabel, spaceMetricId, type FeatureSpace } from './features/spaces.ts';
import type { MetricInfo } from './metrics/metric-info.ts';
import { currentGitCommit } from './history/git-commit.ts';
import { appendHistory } from './history/store.ts';
import { runTrend } from './history/trend.ts';
import { METRICS, metricInfo } from './metrics/registry.ts';
import {
  evaluateMeasured,
  evaluateModel,
  predictLabels,
  type EvaluationContext,
  type EvaluationOptions,
  type ModelEvaluation,
} from './pipeline/evaluate-model.ts';
import { measureShard } from './pipeline/measure-shard.ts';
import { measureReferences } from './pipeline/reference-sets.ts';
import { assertSameInputs, checkPartials, mergedMeasurement } from './pipeline/merge-check.ts';
import { readPartial, type Partial as PartialRun } from './pipeline/partial.ts';
import type { Shard } from './pipeline/shard.ts';
import { GRID_SAMPLES, samplesGrid } from './pipeline/image-grids.ts';
import { assertEnoughRealImages, assertEnoughSamples } from './pipeline/check-inputs.ts';
import { evaluateOrFail } from './pipeline/model-failure.ts';
import { readHumanJudgments } from './human/read.ts';
import { hashArrays, openModelCache, runKey, sourceHash, type ModelCache } from './pipeline/model-cache.ts';
import { stageTimer } from './pipeline/stage-timer.ts';
import { writeOutputs } from './pipeline/write-outputs.ts';
import { charts, type ChartInputs } from './render/charts/charts.ts';
import { grids } from './render/grids.ts';
import { renderHtml } from './render/html.ts';

export interface RunOptions {
  out: string;
  backend: BackendPreference;
  /** The command line that reproduces this run, for the methods section. */
  command: string;
  logger: Logger;
  templateDir?: string;
  /** JSON-lines history to read the trend from and append this run to. */
  history?: string;
  /**
   * Per-model results in `<out>/.genreport-cache/`: 'reuse' (default) reads
   * and writes them, so a rerun after a crash resumes; 'fresh' measures every
   * model again but still writes; 'off' neither reads nor writes.
   */
  cache?: 'reuse' | 'fresh' | 'off';
  /** The config file, named in messages about its inline `features:` declarations. */
  configFile?: string;
}

export interface RunResult {
  data: ReportData;
  /** Seconds per stage: the report's, and the write stage's, which the report it writes cannot hold. */
  timings: StageTiming[];
  files: string[];
  /** Set when the PDF could not be printed; HTML and JSON were still written. */
  pdfSkipped?: string;
}

export async function runPipeline(config: RunConfig, options: RunOptions): Promise<RunResult> {
  return (await runStages(config, options, { kind: 'whole' })) as RunResult;
}

/**
 * Shard i of n of a run (pipeline/shard.ts): the generated images with
 * global index ≡ i (mod n) of every model and their features, the same share
 * of the real (and training) images' features, and the fixed work of the
 * models it owns. Writes a partial (pipeline/partial.ts) into `out`, not a report.
 */
export async function runShard(
  config: RunConfig,
  options: Omit<RunOptions, 'cache' | 'history' | 'templateDir'> & { shard: Shard },
): Promise<{ files: string[] }> {
  const where = options.configFile ?? 'run config';
  if (config.density.parzen) {
    throw inputError(
      where,
      'Parzen windows need every generated image of a model in one process, so a run with them cannot be split: run it whole, or set density.parzen: false',
      'density.parzen',
    );
  }
  const fewest = Math.min(config.samples, ...config.models.map((spec) => modelSamples(spec, config.samples)));
  if (fewest < options.shard.count)
    throw inputError(
      where,
      `${fewest} samples cannot be split into ${options.shard.count} shards: every shard needs at least one`,
      'samples',
    );
  return (await runStages(config, { ...options, cache: 'off' }, { kind: 'shard', shard: options.shard })) as {
    files: string[];
  };
}

export interface MergeOptions extends Pick<RunOptions, 'out' | 'command' | 'logger' | 'templateDir' | 'history'> {
  /** Overrides the partials' config `output`. */
  output?: Partial<RunConfig['output']>;
}

/**
 * The report of a run split across machines, from its partials: checked to
 * be one run's shards, every one once; features put back in global index
 * order; then every stage after features exactly as a single run does them.
 * Reads the real (and training) images and loads the extractors again (their
 * hashes must be the shards'), not the models.
 */
export async function mergePartials(dirs: string[], options: MergeOptions): Promise<RunResult> {
  const partials = checkPartials(dirs.map(readPartial));
  const first = partials[0]!; // checkPartials refuses an empty list
  const config: RunConfig = { ...first.config, output: { ...first.config.output, ...options.output } };
  options.logger.info(
    `merging ${partials.length} shards of ${config.models.length} model(s), ${config.samples} samples each (seed ${config.seed})`,
  );
  // The backend is the shards' (every partial names the same one).
  return (await runStages(
    config,
    { ...options, backend: first.backend.name, cache: 'off' },
    { kind: 'merge', partials },
  )) as RunResult;
}

/** What runStages does: a whole run, one shard of a split run (a partial), or the merge of the shards' partials into the report. */
type StagesMode =
  | { kind: 'whole' }
  | { kind: 'shard'; shard: Shard }
  | { kind: 'merge'; partials: (PartialRun & { file: string })[] };

async function runStages(
  config: RunConfig,
  options: RunOptions,
  mode: StagesMode,
): Promise<RunResult | { files: string[] }> {
  const { logger } = options;
  const { timings, timed, add: addTiming } = stageTimer();
  const shard = mode.kind === 'shard' ? mode.shard : undefined;
  const partials = mode.kind === 'merge' ? mode.partials : undefined;

  const started = await initBackend(options.backend);
  // A merge names the shards' backend, which measured every model (and loads the extractors on it here).
  const backend = partials ? partials[0]!.backend : started;
  logger.info(
    `backend: ${backend.name} (${backend.reason}); device: ${backend.device}${shard ? `; shard ${shard.index} of ${shard.count}` : ''}`,
  );
  const metricIds = config.metrics ?? METRICS.map((m) => m.id);
  const metrics = metricIds.map(metricInfo);
  assertEnoughSamples(config, metricIds);
  // Read first, so a bad ratings file stops the run before any model is measured.
  const human =
    config.human && !shard
      ? await timed('human', async () => readHumanJudgments(config.human!, config.seed, logger))
      : undefined;

  // load: the real data and the feature extractor(s) the config names (features:)
  const { real, spaces } = await timed('load', async () => ({
    real: await resolveImageSource(config.data.real, { limit: config.data.count }),
    spaces: await loadSpaces(config, logger, options.configFile),
  }));
  // loadSpaces gives at least one space (the default extractor when features: names none).
  const extractor = spaces[0]!.extractor;
  for (const space of spaces)
    logger.info(`features (${space.id}): ${space.extractor.info.name}, ${space.extractor.info.dim}-d`);
  logger.info(`real data: ${config.data.real} (${real.images.n} images)`);
  const runWarnings: string[] = [];
  const unfitDefault = defaultSpaceWarning(config);
  if (unfitDefault) {
    logger.warn(unfitDefault);
    runWarnings.push(unfitDefault);
  }
  assertEnoughRealImages(real.images.n, config, metricIds);
  if (shard && real.images.n < shard.count)
    throw inputError(
      options.configFile ?? 'run config',
      `${real.images.n} real images cannot be split into ${shard.count} shards`,
      'data.count',
    );
  // The training split is embedded only when a memorisation metric asks for it.
  const trainSpec = config.data.train;
  const train =
    trainSpec && metricIds.some((id) => id.startsWith('memorisation'))
      ? await timed('load', () => resolveImageSource(trainSpec, { limit: config.data.trainCount }))
      : undefined;
  if (partials) assertSameInputs(partials[0]!, { spaces, real, train });
  // real features per space, and the space whose classifier gives the class-based metrics
  const refs = await measureReferences({ config, spaces, real, train, metricIds, shard, partials, logger, timed });
  const { classIndex, realLabels, realClassHistogram } = refs;

  // density and invertibility: a few real test images, the same for every model
  const densityTest = sliceImages(real.images, 0, Math.min(config.density.images, real.images.n));
  // The held-out reference row is the report's: a shard (which has no Parzen validation images either) leaves it to merge.
  const { reference, validation } = shard
    ? { reference: { problem: 'measured by merge' }, validation: undefined }
    : await timed('density', () => referenceDensity(config.data.train, config.density, densityTest, config.data.real));
  if ('problem' in reference && !shard) logger.warn(`density reference: ${reference.problem}`);
  const inversionImages = sliceImages(real.images, 0, Math.min(config.invertibility.images, real.images.n));
  // "Same label" compares a reconstruction's class with the original's: its real label where
  // the labels are the classifier's classes, else the classifier's own label of the original.
  const classExtractor = classIndex >= 0 ? spaces[classIndex]!.extractor : undefined;
  const inversionLabels = realLabels
    ? (shard ? real.labels! : realLabels).subarray(0, inversionImages.n)
    : classExtractor && inversionImages.n > 0 && !partials
      ? await timed('features', () => predictLabels(classExtractor, inversionImages, config.batchSize))
      : undefined;
  const context: EvaluationContext = {
    options: evaluationOptions(config),
    metricIds,
    extractor,
    spaces: refs.later,
    real: { images: real.images, set: refs.first.real },
    noClassifier: refs.misfit,
    train: train && refs.first.train ? { images: train.images, set: refs.first.train } : undefined,
    realClassHistogram,
    density: { test: densityTest, validation },
    inversion: { images: inversionImages, labels: inversionLabels },
    logger,
    timed,
  };

  if (shard)
    return measureShard(config, options, shard, context, {
      backend,
      spaces,
      real,
      train,
      realSets: refs.realSets,
      trainSets: refs.trainSets,
      timings,
      warnings: runWarnings,
      version: toolVersion(),
    });

  // each model, in config order: measured (or read back from the cache, or a merge's partials)
  const cache = openCache(options, { config, backend: backend.name, spaces, real, train });
  const { evaluations, models } = await evaluateModels(config.models, context, { partials, spaces, cache });
  for (const space of spaces) space.extractor.dispose();
  // A merged run's time per stage: the shards' summed, with the merge's own.
  for (const t of partials?.flatMap((p) => p.timings) ?? []) addTiming(t);

  // assemble: the one writer of the report
  const data = assembleReport({
    title: config.title,
    createdAt: new Date().toISOString(),
    tool: { name: 'genreport', version: toolVersion() },
    command: options.command,
    seed: config.seed,
    samples: config.samples,
    backend,
    timings: timings(),
    dataset: {
      name: config.data.real,
      split: config.data.real.split(':')[1] ?? 'all',
      count: real.images.n,
      shape: [real.images.height, real.images.width, real.images.channels],
    },
    extractor: spaces.length > 1 ? { ...extractor.info, space: spaces[0]!.id } : extractor.info,
    extractors: spaces.map((s) => ({ ...s.extractor.info, space: s.id })),
    metrics: spaceMetrics(metrics, spaces, classIndex),
    models,
    training: { thresholds: config.diagnostics, models: evaluations.map((e) => e.training.diagnostics) },
    density: {
      images: densityTest.n,
      dimensions: dimensionsOf(densityTest),
      source: config.data.real,
      models: evaluations.map((e) => ({ model: e.entry.name, density: e.density })),
      reference: 'problem' in reference ? null : reference,
    },
    invertibility: {
      images: inversionImages.n,
      models: evaluations.map((e) => ({ model: e.entry.name, result: e.invertibility })),
    },
    truncation: evaluations.flatMap((e) => (e.truncation ? [{ model: e.entry.name, curve: e.truncation }] : [])),
    human,
    warnings: runWarnings,
  });
  if (evaluations.length === 0) {
    // One line per model, its own reason only (data.warnings mixes in others).
    const reasons = models.map(({ entry }) => `  ${entry.name}: ${(entry.error ?? 'failed').split('\n').join('; ')}`);
    throw new GenreportError({ message: `every model failed, so there is nothing to compare:\n${reasons.join('\n')}` });
  }

  // render: what the assembled report gains (trend, grids, charts), completed into a new report
  const gitCommit = options.history ? currentGitCommit() : null;
  const trend = options.history ? runTrend(data, options.history, gitCommit, logger.warn) : undefined;
  const gridEntries = await timed('render', () =>
    grids([
      samplesGrid('real-samples', 'Real images', `First ${GRID_SAMPLES} images of ${config.data.real}.`, real.images),
      ...evaluations.flatMap((e) => e.grids),
    ]),
  );
  const chartEntries = await timed('render', () =>
    charts(data, chartInputs(evaluations, realClassHistogram, refs.classes, config, trend)),
  );
  // The report holds the seconds of every stage up to here; the write stage's own are logged and returned only.
  const report = completeReport(data, {
    trend: trend?.section,
    charts: chartEntries,
    images: gridEntries,
    timings: timings(),
  });
  // write: HTML, Markdown, TeX, PDF, then report.json
  const written = await timed('write', async () =>
    writeOutputs(report, await renderHtml(report, { templateDir: options.templateDir }), options.out, config.output),
  );
  const allTimings = timings();
  logger.info(`write: ${allTimings.find((t) => t.stage === 'write')!.seconds.toFixed(1)} s`);
  // Only this run's models stay cached: entries of other configs or bundles would pile up.
  cache?.prune();
  // Appended only once the report is written, so a failed run leaves no record.
  if (options.history) appendHistory(options.history, report, { gitCommit });
  return { data: report, timings: allTimings, ...written };
}

/** The per-model results of this run kept in `<out>/.genreport-cache/` (none with --no-cache), keyed by everything they depend on. */
function openCache(
  options: RunOptions,
  run: { config: RunConfig; backend: string; spaces: FeatureSpace[]; real: ImageSource; train?: ImageSource },
): ModelCache | undefined {
  const mode = options.cache ?? 'reuse';
  if (mode === 'off') return undefined;
  const { config, backend, spaces, real, train } = run;
  return openModelCache(
    options.out,
    runKey({
      version: toolVersion(),
      code: sourceHash(),
      config,
      backend,
      extractorHash: spaces.map((s) => s.extractor.info.hash).join(','),
      realDataHash: hashArrays([real.images.data, real.labels]),
      trainDataHash: train && hashArrays([train.images.data, train.labels]),
      cwd: process.cwd(),
    }),
    { read: mode === 'reuse' },
  );
}

/**
 * Every model of the config through the per-model stages
 * (pipeline/evaluate-model.ts): measured here, read back from the cache, or
 * (a merge) put together from the shards' partials. A model that fails is a
 * failed row and the others go on. `models`: the report's rows, in config
 * order, failed ones included; `evaluations`: the models that did not fail.
 */
async function evaluateModels(
  specs: RunConfig['models'],
  context: EvaluationContext,
  run: { partials?: (PartialRun & { file: string })[]; spaces: FeatureSpace[]; cache?: ModelCache },
): Promise<{ evaluations: ModelEvaluation[]; models: AssembleInput['models'] }> {
  const { logger } = context;
  const { partials, spaces, cache } = run;
  const evaluations: ModelEvaluation[] = [];
  const models: AssembleInput['models'] = [];
  for (const [index, spec] of specs.entries()) {
    const path = modelPath(spec);
    logger.info(`model ${index + 1}/${specs.length}: ${relative(process.cwd(), path) || path}`);
    // A merge takes the model's shares from the partials (a bad share stops the merge, naming its partial).
    const merged = partials && mergedMeasurement(partials, index, path, spaces);
    if (merged && 'failed' in merged) {
      logger.warn(merged.failed);
      models.push({ entry: failedEntry(path, merged.failed), cells: {} });
      continue;
    }
    const result = await evaluateOrFail(
      () =>
        merged
          ? evaluateMeasured(merged, context)
          : evaluateModel(spec, new Set(evaluations.map((e) => e.entry.name)), context, cache),
      logger,
    );
    if ('failed' in result) {
      models.push({ entry: failedEntry(path, result.failed), cells: {} });
      continue;
    }
    evaluations.push(result.ok);
    models.push({ entry: result.ok.entry, cells: result.ok.cells, paired: result.ok.paired });
  }
  return { evaluations, models };
}

/** What the charts need beyond the report: class histograms (classes named as the classifier declares them), training logs, the trend's points. */
function chartInputs(
  evaluations: readonly ModelEvaluation[],
  realClassHistogram: number[] | undefined,
  classes: readonly string[] | undefined,
  config: RunConfig,
  trend: ReturnType<typeof runTrend> | undefined,
): ChartInputs {
  const models = evaluations.flatMap((e) =>
    e.classHistogram ? [{ model: e.entry.name, counts: e.classHistogram }] : [],
  );
  return {
    classHistograms: realClassHistogram && { real: realClassHistogram, models, classes, data: config.data.real },
    training: { models: evaluations.map((e) => e.training), thresholds: config.diagnostics },
    trend: trend && { history: trend.section.history, runs: trend.section.runs, series: trend.series },
  };
}

/** The few options the per-model stages read, picked out of the run config here so that they need not know its shape. */
function evaluationOptions(config: RunConfig): EvaluationOptions {
  const { seed, batchSize, samples } = config;
  return {
    seed,
    batchSize,
    samples,
    realSource: config.data.real,
    metrics: {
      seed,
      kidSubsets: config.kid.subsets,
      kidSubsetSize: config.kid.subsetSize,
      prK: 3,
      prdcK: 5,
      bootstrapResamples: config.bootstrap.resamples,
    },
    density: config.density,
    invertibility: config.invertibility,
    truncation: config.truncation,
    diagnostics: config.diagnostics,
  };
}

/** The configured extractors, each with its space id; one that fails to load disposes those loaded before it. */
async function loadSpaces(config: RunConfig, logger: Logger, configFile: string | undefined): Promise<FeatureSpace[]> {
  const spaces: FeatureSpace[] = [];
  try {
    for (const [i, space] of config.features.entries()) {
      const field = config.features.length > 1 ? `features.${i}` : 'features';
      const extractor = await loadExtractor(space.spec, {
        warn: logger.warn,
        inline: space.declaration && { fields: space.declaration, where: configFile ?? 'run config', field },
      });
      spaces.push({ id: spaceIdFor(space.spec, new Set(spaces.map((s) => s.id))), extractor });
    }
  } catch (e) {
    for (const s of spaces) s.extractor.dispose();
    throw e;
  }
  return spaces;
}

/**
 * The report's metric rows with several spaces: every distance metric in each
 * space, labelled "FID · <extractor name>", `<id>@<space>` after the first; the
 * class-based metrics once, plain ids, in the space of the classifier that gives
 * them (after that space's distances when it is a later one). One space: as asked.
 */
function spaceMetrics(metrics: MetricInfo[], spaces: FeatureSpace[], classIndex: number): MetricInfo[] {
  if (spaces.length === 1) return metrics;
  const isClass = (m: MetricInfo) => CLASS_METRICS.includes(m.id);
  const labelled = (m: MetricInfo, space: FeatureSpace) => ({
    ...m,
    label: `${m.label} · ${spaceLabel(space.extractor.info.name)}`,
    space: space.id,
  });
  return spaces.flatMap((space, i) => [
    ...metrics
      .filter((m) => !isClass(m) || (i === 0 && classIndex <= 0))
      .map((m) => (isClass(m) ? m : { ...labelled(m, space), id: spaceMetricId(m.id, space.id, i) })),
    ...(i > 0 && i === classIndex ? metrics.filter(isClass).map((m) => labelled(m, space)) : []),
  ]);
}

/**
 * A config that names no feature space gets the built-in MNIST classifier; for
 * data that is not MNIST the run goes on (distances in it still compare models
 * with each other) but says plainly that the space is a digit classifier's.
 */
export function defaultSpaceWarning(config: RunConfig): string | undefined {
  if (!config.featuresDefaulted || config.data.real.startsWith('mnist:')) return undefined;
  return (
    `No feature space named (features:), so the built-in mnist-classifier is used: it is a domain classifier for handwritten digits, ` +
    `not for ${config.data.real}. Its distances compare the models with each other only loosely and are not comparable with published numbers; ` +
    `name a fitting extractor in the config (features: inception-fid=pt_inception.onnx, see docs/feature-spaces.md).`
  );
}

function failedEntry(path: string, error: string): ModelEntry {
  const name = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  return {
    name,
    family: 'unknown',
    bundle: relative(process.cwd(), path) || path,
    hash: '',
    parameters: 0,
    status: 'failed',
    error,
  };
}

export function toolVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
