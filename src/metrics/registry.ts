/**
 * The metric registry: every metric the report can show, by stable
 * kebab-case id, with what a reader needs to interpret it (MetricInfo).
 *
 * Metrics are computed in groups: one group runs one computation and yields
 * the values of all its ids (PRDC yields five), so asking for 'precision'
 * and 'coverage' costs one k-NN pass, not two.
 */
import type { MetricInfo } from '../assemble/report-data.ts';
import type { FeatureMatrix } from '../core/types.ts';
import { fidFromFeatures } from './fid.ts';
import { kidFromFeatures, KID_SUBSETS, KID_SUBSET_SIZE } from './kid.ts';
import { prdcFromFeatures, PR_K, PRDC_K } from './prdc.ts';

export interface MetricOptions {
  seed: number;
  kidSubsets: number;
  kidSubsetSize: number;
  prK: number;
  prdcK: number;
}

export const DEFAULT_METRIC_OPTIONS: MetricOptions = {
  seed: 0,
  kidSubsets: KID_SUBSETS,
  kidSubsetSize: KID_SUBSET_SIZE,
  prK: PR_K,
  prdcK: PRDC_K,
};

export interface MetricValue {
  value: number;
  /** Spread the metric itself defines (KID: std over subsets, ddof = 0). */
  std?: number;
  /** Generated samples the value rests on. */
  n: number;
}

export interface MetricGroup {
  id: string;
  metrics: readonly MetricInfo[];
  /** Values for every id in `metrics`. */
  compute(real: FeatureMatrix, fake: FeatureMatrix, options: MetricOptions): Record<string, MetricValue>;
}

const FID: MetricInfo = {
  id: 'fid',
  label: 'FID',
  unit: '',
  direction: 'lower',
  definition: 'Fréchet distance between Gaussians fitted to real and generated features: ‖μr−μg‖² + Tr(Σr + Σg − 2(ΣrΣg)^½).',
  reference: 'Heusel et al. 2017; conventions of pytorch-fid and torch-fidelity',
};

const KID: MetricInfo = {
  id: 'kid',
  label: 'KID',
  unit: '',
  direction: 'lower',
  definition: 'Unbiased MMD² with the kernel (x·y/d + 1)³, mean over random subsets; ± is the std over subsets.',
  reference: 'Bińkowski et al. 2018; conventions of torch-fidelity',
};

const PRECISION: MetricInfo = {
  id: 'precision',
  label: 'Precision',
  unit: '',
  direction: 'higher',
  definition: 'Fraction of generated samples within the k-NN ball (k = 3, closed) of some real sample: fidelity.',
  reference: 'Kynkäänniemi et al. 2019',
};

const RECALL: MetricInfo = {
  id: 'recall',
  label: 'Recall',
  unit: '',
  direction: 'higher',
  definition: 'Fraction of real samples within the k-NN ball (k = 3, closed) of some generated sample: diversity.',
  reference: 'Kynkäänniemi et al. 2019',
};

const F1: MetricInfo = {
  id: 'f1',
  label: 'F1',
  unit: '',
  direction: 'higher',
  definition: 'Harmonic mean of precision and recall, 2PR/(P+R).',
  reference: 'Kynkäänniemi et al. 2019',
};

const DENSITY: MetricInfo = {
  id: 'density',
  label: 'Density',
  unit: '',
  direction: 'higher',
  definition: 'Mean number of real k-NN balls (k = 5, open) containing each generated sample, divided by k; may exceed 1.',
  reference: 'Naeem et al. 2020; conventions of clovaai/generative-evaluation-prdc',
};

const COVERAGE: MetricInfo = {
  id: 'coverage',
  label: 'Coverage',
  unit: '',
  direction: 'higher',
  definition: 'Fraction of real samples whose k-NN ball (k = 5, open) contains at least one generated sample.',
  reference: 'Naeem et al. 2020; conventions of clovaai/generative-evaluation-prdc',
};

export const METRIC_GROUPS: readonly MetricGroup[] = [
  {
    id: 'fid',
    metrics: [FID],
    compute: (real, fake) => ({ fid: { value: fidFromFeatures(real, fake), n: fake.rows } }),
  },
  {
    id: 'kid',
    metrics: [KID],
    compute: (real, fake, o) => {
      const kid = kidFromFeatures(real, fake, { seed: o.seed, subsets: o.kidSubsets, subsetSize: o.kidSubsetSize });
      return { kid: { value: kid.mean, std: kid.std, n: fake.rows } };
    },
  },
  {
    id: 'prdc',
    metrics: [PRECISION, RECALL, F1, DENSITY, COVERAGE],
    compute: (real, fake, o) => {
      const r = prdcFromFeatures(real, fake, { prK: o.prK, prdcK: o.prdcK });
      const n = fake.rows;
      return {
        precision: { value: r.precision, n },
        recall: { value: r.recall, n },
        f1: { value: r.f1, n },
        density: { value: r.density, n },
        coverage: { value: r.coverage, n },
      };
    },
  },
];

/** Every metric, in report column order. */
export const METRICS: readonly MetricInfo[] = METRIC_GROUPS.flatMap((g) => g.metrics);

export function metricInfo(id: string): MetricInfo {
  const info = METRICS.find((m) => m.id === id);
  if (!info) throw new Error(`unknown metric '${id}' (known: ${METRICS.map((m) => m.id).join(', ')})`);
  return info;
}

/** Values for the requested ids, running each needed group once. */
export function computeMetrics(
  ids: readonly string[],
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: MetricOptions = DEFAULT_METRIC_OPTIONS,
  groups: readonly MetricGroup[] = METRIC_GROUPS,
): Record<string, MetricValue> {
  const known = groups.flatMap((g) => g.metrics.map((m) => m.id));
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(`unknown metric(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const out: Record<string, MetricValue> = {};
  for (const group of groups) {
    if (!group.metrics.some((m) => ids.includes(m.id))) continue;
    const values = group.compute(real, fake, options);
    for (const id of ids) if (id in values) out[id] = values[id];
  }
  return out;
}
