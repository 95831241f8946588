/**
 * `genreport metrics --real A --fake B`: the features-in command. A and B
 * are feature files (.npy / .npz, n × d, float32 or float64) dumped by any
 * framework, or image sources (mnist:test, a folder, an image .npy/.npz)
 * when --extractor names one. Prints a table, or with --json one object
 * whose keys are the metric ids in snake_case (KID as kid_mean and kid_std).
 * What only images, extractors or cached statistics need is imported when
 * they are asked for: a features-in call loads little beyond the metrics.
 */
import type { CommandModule } from 'yargs';
import { initBackend } from '../../core/backend.ts';
import { GenreportError, inputError, MESSAGES } from '../../core/errors.ts';
import { rowShortfalls, shortfallText } from '../../metrics/row-needs.ts';
import { wholeNumber } from '../number-flags.ts';
import type { FeatureExtractor } from '../../features/extractor.ts';
import { EXTRACTOR_USAGE, extractorKind, loadExtractor } from '../../features/registry.ts';
import { fidFromStats } from '../../metrics/fid.ts';
import { featureFilePairStats, featureFileRows, readFeatureFile } from '../../metrics/feature-files.ts';
import { statsFromFeatures, statsFromRows } from '../../metrics/stats/moments.ts';
import {
  computeMetrics,
  DEFAULT_METRIC_OPTIONS,
  isNotApplicable,
  METRICS,
  type MetricOptions,
  type MetricResult,
  type SampleSet,
} from '../../metrics/registry.ts';
import { openBlas, openBlasUnavailableReason } from '../../metrics/stats/openblas.ts';

/** The metrics a bare `genreport metrics` computes: the ones features alone define. */
export const FEATURE_METRICS = ['fid', 'kid', 'precision', 'recall', 'f1', 'density', 'coverage'] as const;

interface MetricsArgs {
  real: string;
  fake: string;
  metrics?: string[];
  json: boolean;
  extractor?: string;
  'kid-subsets': number | string;
  'kid-subset-size': number | string;
  'pr-k': number | string;
  'prdc-k': number | string;
  seed: number | string;
  bootstrap: number | string;
  'batch-size': number | string;
}

/** The JSON object --json prints: snake_case ids; KID splits into kid_mean / kid_std; intervals as <id>_interval. */
export function metricsJson(results: Record<string, MetricResult>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const notApplicable: Record<string, string> = {};
  for (const [id, r] of Object.entries(results)) {
    const key = id.replaceAll('-', '_');
    const valueKey = id === 'kid' ? 'kid_mean' : key;
    if (isNotApplicable(r)) {
      out[valueKey] = null;
      notApplicable[key] = r.notApplicable;
      continue;
    }
    out[valueKey] = r.value;
    if (r.std !== undefined) out[`${key}_std`] = r.std;
    if (r.interval) out[`${key}_interval`] = r.interval;
  }
  if (Object.keys(notApplicable).length > 0) out.not_applicable = notApplicable;
  return out;
}

function metricsTable(results: Record<string, MetricResult>): string {
  const lines = Object.entries(results).map(([id, r]) => {
    if (isNotApplicable(r)) return `${id.padEnd(22)} n/a (${r.notApplicable})`;
    const std = r.std !== undefined ? ` ± ${r.std.toPrecision(3)}` : '';
    const interval = r.interval ? `  95% [${r.interval[0].toPrecision(6)}, ${r.interval[1].toPrecision(6)}]` : '';
    return `${id.padEnd(22)} ${r.value.toPrecision(8)}${std}${interval}`;
  });
  return `${lines.join('\n')}\n`;
}

async function readSide(path: string, extractor: FeatureExtractor | null, batchSize: number): Promise<SampleSet> {
  if (!extractor) return readFeatureFile(path);
  const { resolveImageSource } = await import('../../data/source.ts');
  const source = await resolveImageSource(path);
  const { features, probabilities } = await extractor.extract(source.images, batchSize);
  return { features, probabilities, labels: source.labels };
}

export async function runMetrics(args: MetricsArgs): Promise<void> {
  const ids =
    args.metrics && args.metrics.length > 0
      ? args.metrics.flatMap((m) => m.split(',')).filter(Boolean)
      : [...FEATURE_METRICS];
  const known = METRICS.map((m) => m.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw inputError(undefined, MESSAGES.unknownMetrics(unknown, known), '--metrics');
  // Parsed here, not by yargs' number type, so "abc" is named as given (number-flags.ts).
  const kidSubsets = wholeNumber('--kid-subsets', 1)(args['kid-subsets']);
  const kidSubsetSize = wholeNumber('--kid-subset-size', 2)(args['kid-subset-size']);
  const prK = wholeNumber('--pr-k', 1)(args['pr-k']);
  const prdcK = wholeNumber('--prdc-k', 1)(args['prdc-k']);
  const seed = wholeNumber('--seed', 0)(args.seed);
  const bootstrap = wholeNumber('--bootstrap', 0)(args.bootstrap);
  const batchSize = wholeNumber('--batch-size', 1)(args['batch-size']);

  const cached = args.real.toLowerCase().endsWith('.npz') ? await cachedStats(args.real) : null;
  if (cached && ids.some((id) => id !== 'fid')) {
    throw inputError(
      args.real,
      `holds cached statistics (mean, covariance), which give FID only; pass --metrics fid or the features themselves`,
      '--metrics',
    );
  }

  let extractor: FeatureExtractor | null = null;
  if (args.extractor) {
    extractorKind(args.extractor);
    extractor = await loadExtractor(args.extractor, { warn: (m) => process.stderr.write(`warning: ${m}\n`) }, () =>
      initBackend('auto'),
    );
    process.stderr.write(`features: ${(await import('./features.ts')).describeExtractor(extractor)}\n`);
  }
  if (cached && extractor) {
    // Statistics from another network (or output, or input convention) would give a meaningless FID.
    const { extractorProvenance } = await import('../../features/provenance.ts');
    const mine = {
      extractor: extractor.info.id,
      extractorHash: extractor.info.hash,
      layer: extractorProvenance(extractor, { height: 0, width: 0, channels: 0 }).layer,
    };
    for (const field of ['extractor', 'extractorHash', 'layer'] as const) {
      if (cached.provenance[field] !== mine[field]) {
        extractor.dispose();
        throw inputError(
          args.real,
          `was made with ${field} ${JSON.stringify(cached.provenance[field])}, --extractor gives ${JSON.stringify(mine[field])}`,
          `provenance.${field}`,
        );
      }
    }
  }
  // FID alone needs each file's mean and covariance only: from .npy files they are
  // streamed from disk a block of rows at a time (featureFileRows), never held whole.
  const streamed = !extractor && bootstrap === 0 && ids.every((id) => id === 'fid');
  const realRows = streamed && !cached ? featureFileRows(args.real) : null;
  const fakeRows = streamed && (cached || realRows) ? featureFileRows(args.fake) : null;
  if (fakeRows) {
    const realShape = cached ? { cols: cached.provenance.dim } : realRows!;
    checkSides(ids, { prK, prdcK }, args, realShape, fakeRows);
    const [realStats, fakeStats] = cached
      ? [cached.stats, statsFromRows(fakeRows)]
      : featureFilePairStats(realRows!, { path: args.fake, rows: fakeRows });
    const fid = fidFromStats(realStats, fakeStats, { overwrite: !cached });
    printResults({ fid: { value: fid, n: fakeRows.rows } }, args.json, cached ? null : [realRows!, fakeRows]);
    return;
  }

  let real: SampleSet | null = null;
  let fake: SampleSet;
  try {
    if (!cached) real = await readSide(args.real, extractor, batchSize);
    fake = await readSide(args.fake, extractor, batchSize);
  } finally {
    extractor?.dispose();
  }
  const realShape = cached ? { cols: cached.provenance.dim } : real!.features;
  checkSides(ids, { prK, prdcK }, args, realShape, fake.features);
  if (cached) {
    const results = {
      fid: { value: fidFromStats(cached.stats, statsFromFeatures(fake.features)), n: fake.features.rows },
    };
    printResults(results, args.json, null);
    return;
  }

  const options: MetricOptions = {
    ...DEFAULT_METRIC_OPTIONS,
    seed,
    kidSubsets,
    kidSubsetSize,
    prK,
    prdcK,
    bootstrapResamples: bootstrap,
  };
  const results = computeMetrics(ids, { real: real!, fake }, options);
  printResults(results, args.json, [real!.features, fake.features]);
}

/** The mean and covariance cached in an .npz (`genreport stats`), or null where it holds features. */
async function cachedStats(path: string) {
  const [{ readNpz }, { isReferenceStats, readReferenceStats }] = await Promise.all([
    import('../../data/npz.ts'),
    import('../../metrics/reference-stats.ts'),
  ]);
  return isReferenceStats(readNpz(path)) ? readReferenceStats(path) : null;
}

interface Shape {
  /** Unknown for cached statistics. */
  rows?: number;
  cols: number;
}

/** Same width on both sides, and enough rows for every metric asked for: bad input, named by file, before any metric runs. */
function checkSides(
  ids: string[],
  ks: { prK: number; prdcK: number },
  args: Pick<MetricsArgs, 'real' | 'fake'>,
  real: Shape,
  fake: Shape,
): void {
  if (real.cols !== fake.cols) {
    throw inputError(args.fake, `has ${fake.cols} features per row, ${args.real} has ${real.cols}`);
  }
  const shortfalls = rowShortfalls(ids, ks, { real: real.rows, generated: fake.rows });
  if (shortfalls.length > 0) {
    throw new GenreportError(
      shortfalls.map((s) => ({
        file: s.side === 'real' ? args.real : args.fake,
        message: `has too few rows: ${shortfallText(s, 'rows')}`,
      })),
    );
  }
}

/** --json: one object on stdout; otherwise the table on stdout, and on stderr the sizes (where both sides are features) and the linear algebra used. */
function printResults(
  results: Record<string, MetricResult>,
  json: boolean,
  sizes: [real: Required<Shape>, fake: Required<Shape>] | null,
): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(metricsJson(results))}\n`);
    return;
  }
  if (sizes) {
    const [real, fake] = sizes;
    const blas = openBlas();
    process.stderr.write(
      `real ${real.rows} × ${real.cols}, generated ${fake.rows} × ${fake.cols}; ` +
        `linear algebra: ${blas ? `OpenBLAS (${blas.library})` : `plain JS (${openBlasUnavailableReason()})`}\n`,
    );
  }
  process.stdout.write(metricsTable(results));
}

/** Options and work of `genreport metrics`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const metricsCommand: Required<Pick<CommandModule<object, MetricsArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .option('real', {
        type: 'string',
        demandOption: true,
        describe: 'real features: .npy/.npz (n × d), or an image source with --extractor',
      })
      .option('fake', { type: 'string', demandOption: true, describe: 'generated features, as --real' })
      .option('metrics', {
        type: 'string',
        array: true,
        describe: `metric ids, comma- or space-separated (default: ${FEATURE_METRICS.join(',')}; known: ${METRICS.map((m) => m.id).join(', ')})`,
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print one JSON object (keys: fid, kid_mean, kid_std, precision, recall, f1, density, coverage, …)',
      })
      .option('extractor', { type: 'string', describe: `read images and extract features with: ${EXTRACTOR_USAGE}` })
      .option('kid-subsets', {
        requiresArg: true,
        default: DEFAULT_METRIC_OPTIONS.kidSubsets,
        describe: 'KID: number of random subsets',
      })
      .option('kid-subset-size', {
        requiresArg: true,
        default: DEFAULT_METRIC_OPTIONS.kidSubsetSize,
        describe: 'KID: rows per subset (cut to the smaller set)',
      })
      .option('pr-k', {
        requiresArg: true,
        default: DEFAULT_METRIC_OPTIONS.prK,
        describe: 'precision/recall: k of the k-NN radius',
      })
      .option('prdc-k', {
        requiresArg: true,
        default: DEFAULT_METRIC_OPTIONS.prdcK,
        describe: 'density/coverage: k of the k-NN radius',
      })
      .option('seed', {
        requiresArg: true,
        default: 0,
        describe: 'seed for KID subsets, bootstrap resamples and projections',
      })
      .option('bootstrap', {
        requiresArg: true,
        default: 0,
        describe: 'bootstrap resamples of the generated set for 95% intervals (0: none)',
      })
      .option('batch-size', {
        requiresArg: true,
        default: 256,
        describe: 'images per extractor batch (with --extractor)',
      })
      .example(
        '$0 metrics --real real.npy --fake fake.npy --json',
        'FID, KID, precision, recall, F1, density, coverage as JSON',
      )
      .example('$0 metrics --real mnist:test --fake samples.npz --extractor mnist-classifier', 'the same from images'),
  handler: (args) => runMetrics(args),
};
