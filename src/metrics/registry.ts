/**
 * The metric registry: every metric the report can show, by stable
 * kebab-case id, with what a reader needs to interpret it (MetricInfo).
 *
 * Metrics are computed in groups: one group runs one computation and yields
 * the values of all its ids (PRDC yields five), so asking for 'precision'
 * and 'coverage' costs one k-NN pass, not two.
 */
import type { MetricInfo } from './metric-info.ts';
import type { FeatureMatrix } from '../core/types.ts';
import { MESSAGES } from '../core/errors.ts';
import { FAMILIES } from '../core/families.ts';
import type { Manifest } from '../models/manifest.ts';
import { fidWithInterval, meanWithInterval, prdcWithIntervals, withInterval } from './bootstrap.ts';
import { topProbabilities } from './classifier-confidence.ts';
import { classifierScoreFromProbabilities, CLASSIFIER_SCORE_SPLITS } from './classifier-score.ts';
import { CMMD_SCALE, CMMD_SIGMA, cmmdFromFeatures } from './cmmd.ts';
import { fidTermsFromFeatures } from './fid-terms.ts';
import { kidFromFeatures, KID_SUBSETS, KID_SUBSET_SIZE } from './kid.ts';
import type { PairedDraws } from './paired-difference.ts';
import { BASELINE_QUANTILE, memorisationFromFeatures } from './memorisation.ts';
import { COVERED_FRACTION, modeCoverage, topClasses } from './mode-coverage.ts';
import { nearestRows } from './nearest-neighbours.ts';
import { PR_K, PRDC_K } from './prdc.ts';
import { slicedWassersteinFromFeatures, SWD_PROJECTIONS } from './sliced-wasserstein.ts';
import { PAIRWISE_ROWS, spreadRatios } from './spread-ratios.ts';

export type ModelFamily = Manifest['family'];
export const ALL_FAMILIES: readonly ModelFamily[] = FAMILIES;

/** One side of a comparison: features, and what a classifier extractor adds. */
export interface SampleSet {
  features: FeatureMatrix;
  /** n × classes class probabilities, when the extractor is a classifier. */
  probabilities?: FeatureMatrix;
  /** Known labels (real data only). */
  labels?: Uint8Array;
}

export interface MetricInput {
  real: SampleSet;
  fake: SampleSet;
  /** The model's training set, for memorisation metrics. */
  train?: SampleSet;
  /** The generating model's family, when there is one (the features-in command has none). */
  family?: ModelFamily;
}

export interface MetricOptions {
  seed: number;
  kidSubsets: number;
  kidSubsetSize: number;
  prK: number;
  prdcK: number;
  /** Bootstrap resamples of the generated set for 95% intervals; 0 computes none. */
  bootstrapResamples: number;
}

export const DEFAULT_METRIC_OPTIONS: MetricOptions = {
  seed: 0,
  kidSubsets: KID_SUBSETS,
  kidSubsetSize: KID_SUBSET_SIZE,
  prK: PR_K,
  prdcK: PRDC_K,
  bootstrapResamples: 0,
};

export interface MetricValue {
  value: number;
  /** Spread the metric itself defines (KID: std over subsets, ddof = 0). */
  std?: number;
  /** Seeded bootstrap 95% interval over the generated set, when resamples were asked for. */
  interval?: [number, number];
  /** Values that pair index by index with another model's (bootstrap replicates, KID subsets), for paired differences. */
  paired?: PairedDraws;
  /** Generated samples the value rests on. */
  n: number;
  /** Per-generated-sample values behind a mean, for a distribution chart. */
  distribution?: Float64Array;
  /** Memorisation: the closest generated–training pairs (row indices), nearest first, for an image grid. */
  closestPairs?: { generated: number; train: number; distance: number }[];
}

export interface NotApplicable {
  notApplicable: string;
}

export type MetricResult = MetricValue | NotApplicable;

/** A metric as the report shows it, plus where it exists. */
export interface MetricSpec extends MetricInfo {
  /** Families whose samples the metric can be computed for (all of them, for sample-based metrics). */
  families: readonly ModelFamily[];
}

export interface MetricGroup {
  id: string;
  metrics: readonly MetricSpec[];
  /** Why the group cannot run on this input (missing probabilities, no training set), or null. */
  notApplicable?(input: MetricInput): string | null;
  /** Values for every id in `metrics`. */
  compute(input: MetricInput, options: MetricOptions): Record<string, MetricValue>;
}

const FID: MetricSpec = {
  id: 'fid',
  label: 'FID',
  unit: '',
  direction: 'lower',
  definition:
    'Fréchet distance between Gaussians fitted to real and generated features: ‖μr−μg‖² + Tr(Σr + Σg − 2(ΣrΣg)^½).',
  reference: 'Heusel et al. 2017; conventions of pytorch-fid and torch-fidelity',
  families: ALL_FAMILIES,
};

const KID: MetricSpec = {
  id: 'kid',
  label: 'KID',
  unit: '',
  direction: 'lower',
  definition: 'Unbiased MMD² with the kernel (x·y/d + 1)³, mean over random subsets; ± is the std over subsets.',
  reference: 'Bińkowski et al. 2018; conventions of torch-fidelity',
  families: ALL_FAMILIES,
};

const PRECISION: MetricSpec = {
  id: 'precision',
  label: 'Precision',
  unit: '',
  direction: 'higher',
  definition: 'Fraction of generated samples within the k-NN ball (k = 3, closed) of some real sample: fidelity.',
  reference: 'Kynkäänniemi et al. 2019',
  families: ALL_FAMILIES,
};

const RECALL: MetricSpec = {
  id: 'recall',
  label: 'Recall',
  unit: '',
  direction: 'higher',
  definition: 'Fraction of real samples within the k-NN ball (k = 3, closed) of some generated sample: diversity.',
  reference: 'Kynkäänniemi et al. 2019',
  families: ALL_FAMILIES,
};

const F1: MetricSpec = {
  id: 'f1',
  label: 'F1',
  unit: '',
  direction: 'higher',
  definition: 'Harmonic mean of precision and recall, 2PR/(P+R).',
  reference: 'Kynkäänniemi et al. 2019',
  families: ALL_FAMILIES,
};

const DENSITY: MetricSpec = {
  id: 'density',
  label: 'Density',
  unit: '',
  direction: 'higher',
  definition:
    'Mean number of real k-NN balls (k = 5, open) containing each generated sample, divided by k; may exceed 1.',
  reference: 'Naeem et al. 2020; conventions of clovaai/generative-evaluation-prdc',
  families: ALL_FAMILIES,
};

const COVERAGE: MetricSpec = {
  id: 'coverage',
  label: 'Coverage',
  unit: '',
  direction: 'higher',
  definition: 'Fraction of real samples whose k-NN ball (k = 5, open) contains at least one generated sample.',
  reference: 'Naeem et al. 2020; conventions of clovaai/generative-evaluation-prdc',
  families: ALL_FAMILIES,
};

const SLICED_WASSERSTEIN: MetricSpec = {
  id: 'sliced-wasserstein',
  label: 'Sliced Wasserstein',
  unit: '',
  direction: 'lower',
  definition: `Wasserstein-1 distance between real and generated features projected on ${SWD_PROJECTIONS} seeded random unit directions, averaged.`,
  reference: 'Rabin et al. 2011; Karras et al. 2018 (SWD)',
  families: ALL_FAMILIES,
};

const NEAREST_REAL: MetricSpec = {
  id: 'nearest-real-distance',
  label: 'Distance to nearest real',
  unit: '',
  direction: 'lower',
  definition:
    'Mean feature distance from each generated sample to its nearest real sample (the per-sample distribution is kept for a chart).',
  reference: 'genreport',
  families: ALL_FAMILIES,
};

const CLASSIFIER_CONFIDENCE: MetricSpec = {
  id: 'classifier-confidence',
  label: 'Classifier confidence',
  unit: '',
  direction: 'higher',
  definition: 'Mean top-class probability the domain classifier gives generated samples.',
  reference: 'genreport',
  families: ALL_FAMILIES,
};

const CLASSIFIER_SCORE: MetricSpec = {
  id: 'classifier-score',
  label: 'Classifier score',
  unit: '',
  direction: 'higher',
  definition: `Inception Score computed with the domain classifier: exp E KL(p(y|x) ‖ p(y)), mean over ${CLASSIFIER_SCORE_SPLITS} splits; ± is the std over splits.`,
  reference: 'Salimans et al. 2016; conventions of torch-fidelity',
  families: ALL_FAMILIES,
};

const CLASSES_COVERED: MetricSpec = {
  id: 'classes-covered',
  label: 'Classes covered',
  unit: 'classes',
  direction: 'higher',
  definition: `Classes the domain classifier finds in generated samples at ≥ ${100 * COVERED_FRACTION}% of their real rate.`,
  reference: 'genreport (mode coverage)',
  families: ALL_FAMILIES,
};

const CLASS_KL: MetricSpec = {
  id: 'class-kl',
  label: 'Class KL',
  unit: 'nats',
  direction: 'lower',
  definition:
    "KL divergence of the generated class histogram (classifier's top class) from the real label distribution.",
  reference: 'genreport (mode coverage)',
  families: ALL_FAMILIES,
};

const MODE_COLLAPSE: MetricSpec = {
  id: 'mode-collapse',
  label: 'Mode collapse',
  unit: 'flag',
  direction: 'lower',
  definition: '1 when some real class is not covered by the generated samples, else 0.',
  reference: 'genreport (mode coverage)',
  families: ALL_FAMILIES,
};

const FEATURE_STD_RATIO: MetricSpec = {
  id: 'feature-std-ratio',
  label: 'Feature std ratio',
  unit: '',
  direction: 'near-one',
  definition:
    'Mean per-feature standard deviation across the generated set over the same for the real set (minibatch-std idea); 1 is the real spread, well below 1 signals collapse.',
  reference: 'Karras et al. 2018 (minibatch standard deviation)',
  families: ALL_FAMILIES,
};

const PAIRWISE_RATIO: MetricSpec = {
  id: 'pairwise-distance-ratio',
  label: 'Pairwise distance ratio',
  unit: '',
  direction: 'near-one',
  definition: `Mean distance between generated samples over that between real samples (seeded subsets of ≤ ${PAIRWISE_ROWS}); 1 is the real spread.`,
  reference: 'genreport',
  families: ALL_FAMILIES,
};

const MEMORISATION_SHARE: MetricSpec = {
  id: 'memorisation-share',
  label: 'Closer than held-out',
  unit: '',
  direction: 'lower',
  definition: `Share of generated samples nearer to a training image than the ${100 * BASELINE_QUANTILE}th percentile of held-out real images' nearest-training distances (≈ ${BASELINE_QUANTILE} without copying).`,
  reference: 'genreport (memorisation)',
  families: ALL_FAMILIES,
};

const MEMORISATION_RATIO: MetricSpec = {
  id: 'memorisation-distance-ratio',
  label: 'Train distance ratio',
  unit: '',
  direction: 'near-one',
  definition:
    'Median generated-to-nearest-training distance over the median held-out-to-nearest-training distance; well below 1 suggests copying.',
  reference: 'genreport (memorisation)',
  families: ALL_FAMILIES,
};

const CMMD: MetricSpec = {
  id: 'cmmd',
  label: 'CMMD',
  unit: '',
  direction: 'lower',
  definition: `Unbiased MMD² with the Gaussian RBF kernel exp(−‖x−y‖²/(2σ²)), σ = ${CMMD_SIGMA}, × ${CMMD_SCALE}; meant for CLIP embeddings.`,
  reference: 'Jayasumana et al. 2024 (Rethinking FID)',
  families: ALL_FAMILIES,
};

const FID_MEAN_TERM: MetricSpec = {
  id: 'fid-mean-term',
  label: 'FID mean term',
  unit: '',
  direction: 'lower',
  definition: "‖μr−μg‖²: FID's mean term (feature matching); the part of FID that comes from a shifted mean.",
  reference: 'Salimans et al. 2016 (feature matching); Heusel et al. 2017',
  families: ALL_FAMILIES,
};

const FID_COV_TERM: MetricSpec = {
  id: 'fid-cov-term',
  label: 'FID covariance term',
  unit: '',
  direction: 'lower',
  definition:
    "Tr(Σr + Σg − 2(ΣrΣg)^½): FID's covariance term, the part that comes from a wrong spread; with the mean term it sums to FID.",
  reference: 'Heusel et al. 2017',
  families: ALL_FAMILIES,
};

const NO_PROBABILITIES = 'the feature extractor gives no class probabilities';

export const METRIC_GROUPS: readonly MetricGroup[] = [
  {
    id: 'fid',
    metrics: [FID],
    compute: ({ real, fake }, o) => ({
      fid: withInterval(fidWithInterval(real.features, fake.features, o), fake.features.rows),
    }),
  },
  {
    id: 'fid-terms',
    metrics: [FID_MEAN_TERM, FID_COV_TERM],
    compute: ({ real, fake }) => {
      const t = fidTermsFromFeatures(real.features, fake.features);
      const n = fake.features.rows;
      return { 'fid-mean-term': { value: t.meanTerm, n }, 'fid-cov-term': { value: t.covTerm, n } };
    },
  },
  {
    id: 'kid',
    metrics: [KID],
    compute: ({ real, fake }, o) => {
      const kid = kidFromFeatures(real.features, fake.features, {
        seed: o.seed,
        subsets: o.kidSubsets,
        subsetSize: o.kidSubsetSize,
      });
      return {
        kid: {
          value: kid.mean,
          std: kid.std,
          n: fake.features.rows,
          paired: { kind: 'subsets', values: kid.perSubset },
        },
      };
    },
  },
  {
    id: 'cmmd',
    metrics: [CMMD],
    notApplicable: ({ real, fake }) =>
      real.features.rows < 2 || fake.features.rows < 2 ? 'needs at least 2 real and 2 generated samples' : null,
    compute: ({ real, fake }) => ({
      cmmd: { value: cmmdFromFeatures(real.features, fake.features), n: fake.features.rows },
    }),
  },
  {
    id: 'prdc',
    metrics: [PRECISION, RECALL, F1, DENSITY, COVERAGE],
    compute: ({ real, fake }, o) => {
      const r = prdcWithIntervals(real.features, fake.features, o);
      const n = fake.features.rows;
      return Object.fromEntries(
        (['precision', 'recall', 'f1', 'density', 'coverage'] as const).map((id) => [id, withInterval(r[id], n)]),
      );
    },
  },
  {
    id: 'sliced-wasserstein',
    metrics: [SLICED_WASSERSTEIN],
    compute: ({ real, fake }, o) => ({
      'sliced-wasserstein': {
        value: slicedWassersteinFromFeatures(real.features, fake.features, { seed: o.seed }),
        n: fake.features.rows,
      },
    }),
  },
  {
    id: 'nearest-real',
    metrics: [NEAREST_REAL],
    compute: ({ real, fake }, o) => {
      const { distance } = nearestRows(fake.features, real.features);
      return {
        'nearest-real-distance': {
          ...withInterval(meanWithInterval(distance, o), distance.length),
          distribution: distance,
        },
      };
    },
  },
  {
    id: 'classifier-confidence',
    metrics: [CLASSIFIER_CONFIDENCE],
    notApplicable: ({ fake }) => (fake.probabilities ? null : NO_PROBABILITIES),
    compute: ({ fake }, o) => {
      const top = topProbabilities(fake.probabilities!);
      return { 'classifier-confidence': withInterval(meanWithInterval(top, o), top.length) };
    },
  },
  {
    id: 'classifier-score',
    metrics: [CLASSIFIER_SCORE],
    notApplicable: ({ fake }) =>
      !fake.probabilities
        ? NO_PROBABILITIES
        : fake.probabilities.rows < CLASSIFIER_SCORE_SPLITS
          ? `needs at least ${CLASSIFIER_SCORE_SPLITS} generated samples`
          : null,
    compute: ({ fake }) => {
      const score = classifierScoreFromProbabilities(fake.probabilities!);
      return { 'classifier-score': { value: score.mean, std: score.std, n: fake.probabilities!.rows } };
    },
  },
  {
    id: 'mode-coverage',
    metrics: [CLASSES_COVERED, CLASS_KL, MODE_COLLAPSE],
    notApplicable: ({ real, fake }) =>
      !fake.probabilities
        ? NO_PROBABILITIES
        : !real.labels && !real.probabilities
          ? 'the real data has neither labels nor class probabilities'
          : null,
    compute: ({ real, fake }) => {
      const classes = fake.probabilities!.cols;
      const coverage = modeCoverage(
        topClasses(fake.probabilities!),
        real.labels ?? topClasses(real.probabilities!),
        classes,
      );
      const n = fake.probabilities!.rows;
      return {
        'classes-covered': { value: coverage.classesCovered, n },
        'class-kl': { value: coverage.klFromReal, n },
        'mode-collapse': { value: coverage.collapsed ? 1 : 0, n },
      };
    },
  },
  {
    id: 'spread',
    metrics: [FEATURE_STD_RATIO, PAIRWISE_RATIO],
    compute: ({ real, fake }, o) => {
      const r = spreadRatios(real.features, fake.features, o.seed);
      const n = fake.features.rows;
      return {
        'feature-std-ratio': { value: r.featureStd, n },
        'pairwise-distance-ratio': { value: r.pairwiseDistance, n },
      };
    },
  },
  {
    id: 'memorisation',
    metrics: [MEMORISATION_SHARE, MEMORISATION_RATIO],
    notApplicable: ({ train }) => (train ? null : 'no training images given (data.train)'),
    compute: ({ real, fake, train }) => {
      const m = memorisationFromFeatures(train!.features, real.features, fake.features);
      const n = fake.features.rows;
      return {
        'memorisation-share': {
          value: m.shareBelowBaseline,
          n,
          distribution: m.distances,
          closestPairs: m.closestPairs,
        },
        'memorisation-distance-ratio': { value: m.medianDistanceRatio, n },
      };
    },
  },
];

/** Every metric, in report column order. */
export const METRICS: readonly MetricSpec[] = METRIC_GROUPS.flatMap((g) => g.metrics);

export function metricInfo(id: string): MetricSpec {
  const info = METRICS.find((m) => m.id === id);
  if (!info)
    throw new Error(
      MESSAGES.unknownMetrics(
        [id],
        METRICS.map((m) => m.id),
      ),
    );
  return info;
}

/**
 * Results for the requested ids, running each needed group once. A metric
 * that does not exist for the input's family, or whose group lacks an input
 * (probabilities, a training set), comes back as { notApplicable: reason }.
 */
export function computeMetrics(
  ids: readonly string[],
  input: MetricInput,
  options: MetricOptions = DEFAULT_METRIC_OPTIONS,
  groups: readonly MetricGroup[] = METRIC_GROUPS,
): Record<string, MetricResult> {
  const known = groups.flatMap((g) => g.metrics.map((m) => m.id));
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(MESSAGES.unknownMetrics(unknown, known));
  const out: Record<string, MetricResult> = {};
  for (const group of groups) {
    const wanted = group.metrics.filter((m) => ids.includes(m.id));
    const family = input.family;
    const applicable = wanted.filter((m) => family === undefined || m.families.includes(family));
    for (const m of wanted)
      if (!applicable.includes(m)) out[m.id] = { notApplicable: `not defined for ${family} models` };
    if (applicable.length === 0) continue;
    const reason = group.notApplicable?.(input) ?? null;
    if (reason !== null) {
      for (const m of applicable) out[m.id] = { notApplicable: reason };
      continue;
    }
    const values = group.compute(input, options);
    for (const m of applicable) {
      const value = values[m.id];
      if (value === undefined)
        throw new Error(`metric group ${group.metrics.map((g) => g.id).join(', ')} computed no value for ${m.id}`);
      out[m.id] = value;
    }
  }
  // In the order asked for; every id is known, so some group filled it.
  return Object.fromEntries(ids.map((id) => [id, out[id]!]));
}

export function isNotApplicable(result: MetricResult): result is NotApplicable {
  return 'notApplicable' in result;
}
