/**
 * The pipeline, in order:
 *
 *   config ──► load ──► sample ──► features ──► metrics ──► assemble ──► render ──► write
 *
 * Data flows one way. A model that fails (bad bundle, NaN, wrong shape) is
 * reported as failed and the others go on; a run that fails as a whole writes
 * nothing, so the last good report stays where it was.
 */
import { renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { join, relative } from 'node:path';
import { assembleReport } from './assemble/assemble.ts';
import type { DensityInput } from './assemble/density-section.ts';
import type { DensityRow, ImageEntry, InvertibilityRow, MetricCell, ModelEntry, ReportData, StageTiming, TruncationSweep } from './assemble/report-data.ts';
import type { RunConfig } from './config/config.ts';
import { initBackend, type BackendPreference } from './core/backend.ts';
import { GenreportError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import { Rng } from './core/rng.ts';
import { pickImages, sliceImages, type FeatureMatrix, type ImageBatch } from './core/types.ts';
import { resolveImageSource } from './data/source.ts';
import { loadMnistClassifier } from './features/mnist-classifier.ts';
import { referenceExtraction } from './features/reference-cache.ts';
import { argmaxHistogram, diagnoseBundle, labelHistogram, type BundleDiagnostics } from './diagnostics/bundle-diagnostics.ts';
import { trainingLossChartSpec } from './diagnostics/loss-chart.ts';
import { TRAINING_CHART_ID } from './diagnostics/report-section.ts';
import { currentGitCommit } from './history/git-commit.ts';
import { historyRecordFromReport } from './history/record.ts';
import { appendHistory, readHistory } from './history/store.ts';
import { comparableRecords, trendChanges, trendChartSpec } from './history/trend.ts';
import { disposeBundle, loadBundle } from './models/bundle.ts';
import { modelForBundle } from './models/families.ts';
import { GanModel } from './models/adapters/gan.ts';
import { evaluateDensity } from './density/evaluate.ts';
import { referenceDensity } from './density/reference.ts';
import { evaluateInvertibility } from './invertibility/evaluate.ts';
import { truncationSweep } from './sample/truncation.ts';
import type { FeatureExtractor } from './features/extractor.ts';
import { concatImages } from './models/generative-model.ts';
import { computeMetrics, isNotApplicable, METRICS, metricInfo, type MetricInput } from './metrics/registry.ts';
import { formatValue } from './render/format.ts';
import { fidKidChartSpec, renderChart } from './render/chart.ts';
import { fidelityDiversityCharts } from './render/charts/fidelity-diversity.ts';
import { densityTruncationCharts } from './render/charts/density-truncation.ts';
import { renderHtml } from './render/html.ts';
import { modeCoverageChart, type ClassHistograms } from './render/charts/mode-coverage.ts';
import { nearestRows } from './metrics/nearest-neighbours.ts';
import { renderLatex } from './render/latex.ts';
import { renderMarkdown } from './render/markdown.ts';
import { TREND_CHART_ID } from './render/view-model.ts';
import { imageGridPng } from './render/image-grid.ts';
import { printPdf } from './render/pdf.ts';
import { resolveBrowser } from './render/browser.ts';
import { stageFile, writeFileAtomic } from './core/atomic-file.ts';

export interface RunOptions {
  out: string;
  backend: BackendPreference;
  /** The command line that reproduces this run, for the methods section. */
  command: string;
  logger: Logger;
  templateDir?: string;
  /** JSON-lines history to read the trend from and append this run to. */
  history?: string;
}

export interface RunResult {
  data: ReportData;
  files: string[];
  /** Set when the PDF could not be printed; HTML and JSON were still written. */
  pdfSkipped?: string;
}

const GRID_SAMPLES = 64;
/** Metrics the trend section follows over time, when the run computed them. */
const TREND_METRICS = ['fid', 'kid', 'precision', 'recall'];

export async function runPipeline(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const { logger } = options;
  const timings: StageTiming[] = [];
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const previous = timings.find((t) => t.stage === stage);
      const seconds = (performance.now() - started) / 1000;
      if (previous) previous.seconds += seconds;
      else timings.push({ stage, seconds });
    }
  };

  const backend = await initBackend(options.backend);
  logger.info(`backend: ${backend.name} (${backend.reason})`);
  const metricIds = config.metrics ?? METRICS.map((m) => m.id);
  const metrics = metricIds.map(metricInfo);

  // load: the real data and the feature extractor
  const { real, extractor } = await timed('load', async () => ({
    real: await resolveImageSource(config.data.real, { limit: config.data.count }),
    extractor: await loadMnistClassifier(),
  }));
  logger.info(`real data: ${config.data.real} (${real.images.n} images); features: ${extractor.info.name}, ${extractor.info.dim}-d`);
  const realExtraction = await timed('features', async () => {
    const extraction = await referenceExtraction(real.images, config.data.real, extractor, config.batchSize, config.data.stats);
    logger.info(extraction.origin === 'reused' ? `reused the real features cached in ${config.data.stats}` : 'extracted features of the real images');
    return extraction;
  });
  const realFeatures = realExtraction.features;
  const realSet = { ...realExtraction, labels: real.labels };
  // The training split is embedded only when a memorisation metric asks for it.
  const train = metricIds.some((id) => id.startsWith('memorisation'))
    ? await timed('load', () => resolveImageSource(config.data.train, { limit: config.data.trainCount }))
    : undefined;
  const trainSet = train
    ? await timed('features', async () => {
        logger.info(`extracting features of ${train.images.n} training images (${config.data.train}) for the memorisation check`);
        return { ...(await extractor.extract(train.images, config.batchSize)), labels: train.labels };
      })
    : undefined;
  const realClassHistogram = real.labels
    ? labelHistogram(real.labels, 10)
    : realExtraction.probabilities && argmaxHistogram(realExtraction.probabilities);

  const images: ImageEntry[] = [await gridEntry('real-samples', 'Real images', `First ${GRID_SAMPLES} images of ${config.data.real}.`, sliceImages(real.images, 0, Math.min(GRID_SAMPLES, real.images.n)))];
  const models: { entry: ModelEntry; cells: Record<string, MetricCell>; images: ImageEntry[] }[] = [];
  const training: BundleDiagnostics[] = [];
  const classHistograms: ClassHistograms['models'] = [];

  // density and invertibility: a few real test images, the same for every model
  const densityTest = sliceImages(real.images, 0, Math.min(config.density.images, real.images.n));
  const { reference, validation } = await timed('density', () => referenceDensity(config.data.train, config.density, densityTest, config.data.real));
  if ('problem' in reference) logger.warn(`density reference: ${reference.problem}`);
  const density: DensityInput = { images: densityTest.n, source: config.data.real, rows: [], entries: [], reference: 'problem' in reference ? null : reference };
  const inversionImages = sliceImages(real.images, 0, Math.min(config.invertibility.images, real.images.n));
  const inversionLabels = real.labels?.subarray(0, inversionImages.n);
  const invertibility: InvertibilityRow[] = [];
  const truncation: TruncationSweep[] = [];

  for (const [index, path] of config.models.entries()) {
    logger.info(`model ${index + 1}/${config.models.length}: ${relative(process.cwd(), path) || path}`);
    try {
      const bundle = await timed('load', () => loadBundle(path));
      try {
        const model = modelForBundle(bundle);
        const name = bundle.manifest.name;
        if (models.some((m) => m.entry.name === name)) {
          throw new GenreportError({ file: bundle.manifestFile, field: 'name', message: `two models are named "${name}"; names must be unique in one report` });
        }
        // Every model sees the same latent stream for the same seed.
        const rng = new Rng(config.seed).fork('samples');
        const sampleStart = performance.now();
        const fake = await timed('sample', () => sampleWithProgress(model.sample.bind(model), config.samples, rng, config.batchSize, logger));
        const sampleSeconds = (performance.now() - sampleStart) / 1000;
        const fakeExtraction = await timed('features', () => extractor.extract(fake, config.batchSize));
        const { cells: values, closestPairs } = await timed('metrics', async () =>
          metricValues(metricIds, { real: realSet, fake: fakeExtraction, train: trainSet, family: bundle.manifest.family }, config),
        );
        if (fakeExtraction.probabilities) classHistograms.push({ model: name, counts: argmaxHistogram(fakeExtraction.probabilities) });
        const neighbourGrids = await timed('render', () => neighbourGridEntries(name, fake, fakeExtraction.features, real.images, realFeatures, train?.images, closestPairs));
        const grid = await timed('render', () => gridEntry(`samples-${name}`, `Samples: ${name}`, `${GRID_SAMPLES} samples from seed ${config.seed}; the same latents for every model of the same latent size.`, sliceImages(fake, 0, Math.min(GRID_SAMPLES, fake.n)), name));
        // The same seeded streams for every model, as for sampling.
        const measureRng = new Rng(config.seed).fork('measure');
        const measured = await timed('density', () =>
          evaluateDensity(name, model, {
            test: densityTest,
            source: config.data.real,
            config: config.density,
            rng: measureRng.fork('density'),
            batchSize: config.batchSize,
            parzen: validation ? { generated: fake, validation } : undefined,
          }),
        );
        density.rows.push(...measured.rows);
        density.entries.push(...measured.entries);
        logger.info(`  density: ${densitySummary(measured.rows)}`);
        const inverted = await timed('invertibility', () =>
          evaluateInvertibility(name, model, {
            images: inversionImages,
            labels: inversionLabels,
            predict: realExtraction.probabilities ? (images) => predictLabels(extractor, images, config.batchSize) : undefined,
            source: config.data.real,
            config: config.invertibility,
            rng: measureRng.fork('invertibility'),
            batchSize: config.batchSize,
          }),
        );
        invertibility.push(inverted.row);
        if (inverted.row.reason) logger.warn(`  invertibility: ${inverted.row.reason}`);
        const invertibilityImages = await timed('render', () =>
          Promise.all(inverted.grids.map((g, i) => gridEntry(`invertibility-${name}-${i}`, g.title, g.caption, g.batch, name, { columns: g.columns, section: 'invertibility' }))),
        );
        if (model instanceof GanModel) {
          try {
            truncation.push(
              await timed('truncation', () =>
                truncationSweep(name, model, extractor, realFeatures, { ...config.truncation, rng: measureRng.fork('truncation'), batchSize: config.batchSize }),
              ),
            );
          } catch (e) {
            logger.warn(`  truncation sweep failed: ${(e as Error).message}`);
          }
        }
        models.push({
          entry: {
            name,
            family: bundle.manifest.family,
            bundle: relative(process.cwd(), bundle.dir) || bundle.dir,
            hash: bundle.hash,
            parameters: bundle.parameters,
            status: 'ok',
            samplesPerSecond: config.samples / sampleSeconds,
          },
          cells: values,
          images: [grid, ...neighbourGrids, ...invertibilityImages],
        });
        logger.info(`  ${summaryLine(values)}`);
        const diagnosed = await timed('diagnostics', async () =>
          diagnoseBundle(bundle, { generated: fakeExtraction, real: { features: realFeatures, classHistogram: realClassHistogram } }, config.diagnostics, logger.warn),
        );
        training.push(diagnosed);
        logger.info(`  training: ${diagnosed.diagnostics.verdict}`);
      } finally {
        disposeBundle(bundle);
      }
    } catch (e) {
      if (!(e instanceof GenreportError) || e.kind !== 'input') throw e;
      logger.warn(e.message);
      models.push({ entry: failedEntry(path, e.message), cells: {}, images: [] });
    }
  }
  extractor.dispose();

  const data = assembleReport({
    title: config.title,
    createdAt: new Date().toISOString(),
    tool: { name: 'genreport', version: toolVersion() },
    command: options.command,
    seed: config.seed,
    samples: config.samples,
    backend,
    timings,
    dataset: { name: config.data.real, split: config.data.real.split(':')[1] ?? 'all', count: real.images.n, shape: [real.images.height, real.images.width, real.images.channels] },
    extractor: extractor.info,
    metrics,
    models,
    images,
    training: { thresholds: config.diagnostics, models: training.map((t) => t.diagnostics) },
    density,
    invertibility: { images: inversionImages.n, rows: invertibility },
    truncation,
  });
  if (models.every((m) => m.entry.status === 'failed')) {
    throw new GenreportError({ message: `every model failed, so there is nothing to compare:\n${data.warnings.join('\n')}` });
  }

  const gitCommit = options.history ? currentGitCommit() : null;
  const trendRecords = options.history ? comparableRecords([...readHistory(options.history, logger.warn), historyRecordFromReport(data, gitCommit)]) : [];
  const trendMetrics = metricIds.filter((id) => TREND_METRICS.includes(id));
  if (options.history) data.trend = { history: options.history, runs: trendRecords.length, changes: trendChanges(trendRecords, trendMetrics) };

  const html = await timed('render', async () => {
    const spec = fidKidChartSpec(data);
    if (realClassHistogram && classHistograms.length > 0) data.charts.push(await modeCoverageChart({ real: realClassHistogram, models: classHistograms }));
    data.charts.push({ id: 'fid-kid', title: 'FID and KID per model', caption: 'Lower is better. KID bars show ± one standard deviation over subsets.', spec, svg: await renderChart(spec) });
    data.charts.push(...(await fidelityDiversityCharts(data)));
    data.charts.push(...(await densityTruncationCharts(data)));
    // Only logs with GAN losses are charted; the others are named in the section's table.
    const logged = training.filter((t) => t.log !== null && t.diagnostics.label !== 'no GAN losses').map((t) => ({ log: t.log!, diagnostics: t.diagnostics }));
    if (logged.length > 0) {
      const lossSpec = trainingLossChartSpec(logged, { thresholds: config.diagnostics });
      data.charts.push({
        id: TRAINING_CHART_ID,
        title: 'Training losses',
        caption: 'Smoothed losses (EMA) over the faint raw per-step range; shaded: detected episodes (orange: warning, red: critical).',
        spec: lossSpec,
        svg: await renderChart(lossSpec),
      });
    }
    if (trendRecords.length >= 2) {
      const trendSpec = trendChartSpec(trendRecords, trendMetrics);
      data.charts.push({ id: TREND_CHART_ID, title: 'Headline metrics over time', caption: `${trendRecords.length} comparable runs from ${options.history}; bars: 95% interval or ± std.`, spec: trendSpec, svg: await renderChart(trendSpec) });
    }
    return renderHtml(data, { templateDir: options.templateDir });
  });
  const result = await writeOutputs(data, html, config, options, timed);
  // Appended only once the report is written, so a failed run leaves no record.
  if (options.history) appendHistory(options.history, data, { gitCommit });
  return result;
}

async function writeOutputs(
  data: ReportData,
  html: string,
  config: RunConfig,
  options: RunOptions,
  timed: <T>(stage: string, work: () => Promise<T>) => Promise<T>,
): Promise<RunResult> {
  const files: string[] = [];
  const jsonPath = join(options.out, 'report.json');
  const htmlPath = join(options.out, 'report.html');
  const pdfPath = join(options.out, 'report.pdf');
  let pdfSkipped: string | undefined;
  await timed('write', async () => {
    // Everything is staged first and renamed only once the PDF printed, so a
    // failed print leaves every earlier output (HTML, PDF, Markdown, TeX, JSON) as it was.
    const outputs: [string, string][] = [
      [htmlPath, html],
      [join(options.out, 'report.md'), renderMarkdown(data)],
      [join(options.out, 'table.tex'), renderLatex(data)],
    ];
    const staged: { path: string; staged: string }[] = [];
    try {
      for (const [path, text] of outputs) staged.push({ path, staged: stageFile(path, text) });
      if (config.output.pdf) {
        const browser = resolveBrowser();
        if ('missing' in browser) pdfSkipped = browser.missing;
        else {
          await printPdf(staged[0].staged, pdfPath, { paper: config.output.paper });
          files.push(pdfPath);
        }
      }
      for (const file of staged) renameSync(file.staged, file.path);
      files.unshift(...staged.map((f) => f.path));
    } finally {
      for (const file of staged) rmSync(file.staged, { force: true });
    }
  });
  // report.json last, with the final timings, so it describes the whole run.
  writeFileAtomic(jsonPath, JSON.stringify(data, null, 2) + '\n');
  files.push(jsonPath);
  return { data, files, pdfSkipped };
}

async function sampleWithProgress(
  sample: (n: number, rng: Rng, batchSize: number) => Promise<ImageBatch>,
  n: number,
  rng: Rng,
  batchSize: number,
  logger: Logger,
): Promise<ImageBatch> {
  const parts: ImageBatch[] = [];
  for (let done = 0; done < n; ) {
    const m = Math.min(batchSize, n - done);
    parts.push(await sample(m, rng, batchSize));
    done += m;
    logger.progress('sampling', done, n);
  }
  return concatImages(parts);
}

function metricValues(ids: string[], input: MetricInput, config: RunConfig): { cells: Record<string, MetricCell>; closestPairs?: ClosestPair[] } {
  const options = { seed: config.seed, kidSubsets: config.kid.subsets, kidSubsetSize: config.kid.subsetSize, prK: 3, prdcK: 5, bootstrapResamples: config.bootstrap.resamples };
  const results = computeMetrics(ids, input, options);
  const cells = Object.fromEntries(
    Object.entries(results).map(([id, r]): [string, MetricCell] => [
      id,
      isNotApplicable(r) ? { kind: 'not-applicable', reason: r.notApplicable } : { kind: 'value', value: r.value, std: r.std, interval: r.interval, n: r.n },
    ]),
  );
  const memorisation = results['memorisation-share'];
  return { cells, closestPairs: memorisation && !isNotApplicable(memorisation) ? memorisation.closestPairs : undefined };
}

type ClosestPair = { generated: number; train: number; distance: number };

/** Top row: generated images; bottom row: the real (or training) image nearest to each, in feature space. */
function pairRows(generated: ImageBatch, generatedIndex: ArrayLike<number>, other: ImageBatch, otherIndex: ArrayLike<number>): ImageBatch {
  return concatImages([pickImages(generated, generatedIndex), pickImages(other, otherIndex)]);
}

const NEIGHBOUR_PAIRS = 8;

/** The nearest-real-image grid, and the memorisation check's closest training pairs when it ran. */
async function neighbourGridEntries(
  name: string,
  fake: ImageBatch,
  fakeFeatures: FeatureMatrix,
  real: ImageBatch,
  realFeatures: FeatureMatrix,
  train: ImageBatch | undefined,
  closestPairs: ClosestPair[] | undefined,
): Promise<ImageEntry[]> {
  const count = Math.min(NEIGHBOUR_PAIRS, fake.n);
  const first = Array.from({ length: count }, (_, i) => i);
  const nearest = nearestRows(featureRows(fakeFeatures, count), realFeatures);
  const entries = [
    await gridEntry(`nearest-real-${name}`, `Nearest real images: ${name}`, `Top: the first ${count} samples; bottom: the real image nearest to each in feature space.`, pairRows(fake, first, real, nearest.index), name, { columns: count }),
  ];
  if (train && closestPairs && closestPairs.length > 0) {
    const pairs = closestPairs.slice(0, NEIGHBOUR_PAIRS);
    entries.push(
      await gridEntry(
        `memorisation-${name}`,
        `Closest to training images: ${name}`,
        `Top: the ${pairs.length} samples nearest to a training image; bottom: that training image (memorisation check).`,
        pairRows(fake, pairs.map((p) => p.generated), train, pairs.map((p) => p.train)),
        name,
        { columns: pairs.length },
      ),
    );
  }
  return entries;
}

function featureRows(m: FeatureMatrix, rows: number): FeatureMatrix {
  return { rows, cols: m.cols, data: m.data.subarray(0, rows * m.cols) };
}

async function gridEntry(
  id: string,
  title: string,
  caption: string,
  batch: ImageBatch,
  model?: string,
  layout: { columns: number; section?: ImageEntry['section'] } = { columns: 16 },
): Promise<ImageEntry> {
  const png = await imageGridPng(batch, { columns: layout.columns, scale: 2, padding: 2 });
  const { width = 0, height = 0 } = await sharp(png).metadata();
  return { id, title, caption, model, ...(layout.section ? { section: layout.section } : {}), dataUri: `data:image/png;base64,${png.toString('base64')}`, width, height };
}

/** The domain classifier's label for each image (argmax of its probabilities). */
async function predictLabels(extractor: FeatureExtractor, images: ImageBatch, batchSize: number): Promise<Uint8Array> {
  const { probabilities } = await extractor.extract(images, batchSize);
  if (!probabilities) throw new Error(`${extractor.info.name} gives no class probabilities, so reconstructions cannot be checked by label`);
  const labels = new Uint8Array(probabilities.rows);
  for (let i = 0; i < probabilities.rows; i++) {
    const row = probabilities.data.subarray(i * probabilities.cols, (i + 1) * probabilities.cols);
    labels[i] = row.indexOf(Math.max(...row));
  }
  return labels;
}

function densitySummary(rows: DensityRow[]): string {
  return rows.map((r) => (r.bitsPerDim ? `${r.estimator} ${r.bitsPerDim.value.toFixed(3)} bits/dim` : `${r.kind}: ${r.reason}`)).join(', ');
}

function failedEntry(path: string, error: string): ModelEntry {
  const name = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  return { name, family: 'unknown', bundle: relative(process.cwd(), path) || path, hash: '', parameters: 0, status: 'failed', error };
}

function summaryLine(values: Record<string, MetricCell>): string {
  return Object.entries(values)
    .map(([id, c]) => (c.kind === 'value' ? `${id} ${formatValue(c.value)}` : `${id} -`))
    .join(', ');
}

export function toolVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
