/**
 * ReportData: the single contract between the numbers and everything that
 * shows them. Templates, charts, report.json and `genreport render` all read
 * this and nothing else. Bump REPORT_FORMAT when a field changes meaning.
 */

import type { CodebookUsage } from '../models/codebook.ts';
import type { TrainingSection } from '../diagnostics/report-section.ts';
import type { ExtractorDescription } from '../features/extractor.ts';
import type { Direction, MetricInfo } from '../metrics/metric-info.ts';

export type { CodebookUsage };

export type { Direction, MetricInfo };

export const REPORT_FORMAT = 'genreport-report/1';

import type { Family } from '../core/families.ts';

export type { Family };

export interface ReportData {
  format: typeof REPORT_FORMAT;
  title: string;
  createdAt: string;
  tool: { name: string; version: string };
  /** How the report was made: enough to make it again. */
  run: {
    command: string;
    seed: number;
    samples: number;
    backend: BackendInfo;
    timings: StageTiming[];
  };
  dataset: DatasetInfo;
  /** The first (headline) feature space; the same as extractors[0]. */
  extractor: ExtractorInfo;
  /** Every feature space of the run, in config order (absent in reports made before several spaces). */
  extractors?: ExtractorInfo[];
  models: ModelEntry[];
  metrics: MetricInfo[];
  /** One row per model (same order as `models`), one cell per metric id. */
  results: Record<string, Record<string, MetricCell>>;
  charts: ChartEntry[];
  images: ImageEntry[];
  warnings: string[];
  /** Training diagnostics from each bundle's loss log (absent in reports made before them). */
  training?: TrainingSection;
  /** Change against earlier runs, when the run keeps a history (--history). */
  trend?: TrendSection;
  /** Likelihoods on the reference test images (absent in reports made before them). */
  density?: DensitySection;
  /** Reconstruction, inversion, round trip or completion per model. */
  invertibility?: InvertibilitySection;
  /** GAN truncation sweeps: precision and recall as latents shrink by ψ. */
  truncation?: TruncationSweep[];
  /** Human judgments from a rating session (config `human.ratings`). */
  human?: HumanSection;
  /** Every model's paired difference to the best model, per metric and per density ranking (absent in reports made before them). */
  differences?: DifferenceToBest[];
}

/** What raters said about the models' images, from `genreport rate`'s ratings.jsonl. */
export interface HumanSection {
  /** The ratings file, as the config named it. */
  ratings: string;
  raters: number;
  answers: { single: number; pair: number; unsure: number };
  /** Per model: the share of its images judged real ("fool rate"), Wilson 95%. */
  foolRates: HumanShare[];
  /** The real images' own share judged real: what a perfect model would reach. */
  real: HumanShare | null;
  /** Bradley–Terry strengths from side-by-side answers (sum 1; P(i over j) = s_i/(s_i+s_j)). */
  preferences: {
    interval: 'bootstrap over raters' | 'bootstrap over answers' | 'none';
    resamples: number;
    models: { model: string; strength: Estimate95; wins: number; comparisons: number }[];
  } | null;
  /** Agreement between raters on the real-or-generated screens; null with fewer than two raters per image. */
  agreement: { statistic: 'fleiss-kappa' | 'krippendorff-alpha'; value: number; items: number; raters: number } | null;
}

export interface HumanShare {
  /** A model's name, or "real". */
  source: string;
  share: Estimate95;
  /** Answers "real", of n (can't-tell answers are not counted in n). */
  judgedReal: number;
  n: number;
  unsure: number;
  images: number;
}

/**
 * One metric (or one density ranking group): every other model minus the
 * best model, with the 95% interval of the paired difference over the rows
 * all models share. A lead is clear when that interval excludes 0.
 */
export interface DifferenceToBest {
  /** A metric id, or 'bits-per-dim' for a density ranking group. */
  metric: string;
  label: string;
  unit: string;
  /** The data space of a density ranking group. */
  dataSpace?: string;
  best: string;
  /** The best model's estimate the differences are taken to (density: e.g. 'iwae'). */
  bestEstimator?: string;
  /**
   * 'bootstrap': the same seeded resample indices (of the shared real set and
   * the latent stream) for every model, percentile interval of the
   * replicate-wise differences; 'per-image': the same test images, mean of the
   * per-image differences ± 1.96 sd/√n; 'subsets' (KID): the same seeded
   * subsets for every model, central 95% of the per-subset differences (the
   * paired counterpart of KID's ± std over subsets).
   */
  method: 'bootstrap' | 'per-image' | 'subsets';
  /** Resamples, test images or subsets. */
  n: number;
  rows: DifferenceRow[];
}

export interface DifferenceRow {
  model: string;
  estimator?: string;
  /** This model minus the best, in the metric's unit. */
  difference: Estimate95;
  /** The 95% interval excludes 0: the best model's lead over this one is clear. */
  clear: boolean;
}

/** A mean with its 95% interval over the evaluated images. */
export interface Estimate95 {
  value: number;
  low: number;
  high: number;
}

export interface DensitySection {
  /** Real test images the likelihoods were measured on. */
  images: number;
  source: string;
  /** One row per estimate; a VAE has two (ELBO and IWAE), a model without a density one with the reason. */
  rows: DensityRow[];
  /** The independent-pixels model fit on the training split, for scale; null when it could not be fit. */
  reference: DensityRow | null;
  /** Models ranked together, per data space, best (lowest bits/dim) first; the reference takes part. */
  groups: { dataSpace: string; models: string[] }[];
  /** Estimates kept out of every ranking, with the reason. */
  apart: { model: string; label: string; reason: string }[];
  /** Published figures on the same data set, for scale only (never ranked); absent when none are known for it. */
  published?: PublishedDensity;
}

export interface PublishedDensity {
  /** The data set the papers measured on, in words. */
  dataSet: string;
  /** Why these are shown apart: "published, for scale (not comparable: ...)". */
  note: string;
  figures: { model: string; bitsPerDim: number; citation: string }[];
}

export interface DensityRow {
  model: string;
  /** 'exact' and 'bound' are likelihoods; 'unreliable' is a Parzen estimate; 'none' and 'failed' carry a reason. */
  kind: 'exact' | 'bound' | 'unreliable' | 'none' | 'failed';
  /** e.g. 'elbo', 'iwae', 'dequantized', 'exact', 'parzen', 'independent-pixels'; absent for 'none' and 'failed'. */
  estimator?: string;
  /** What the number is, in words. */
  label: string;
  dataSpace?: string;
  /** Negative log-likelihood, nats per image. */
  natsPerImage?: Estimate95;
  bitsPerDim?: Estimate95;
  n?: number;
  /** Monte Carlo draws per image (K, S); 1 where exact. */
  samples?: number;
  secondsPerImage?: number;
  /** IWAE minus ELBO in nats per image (on the IWAE row): how much the bound tightened. */
  gap?: number;
  reason?: string;
}

export interface InvertibilitySection {
  images: number;
  rows: InvertibilityRow[];
}

export interface AbsoluteErrors {
  max: number;
  mean: number;
}

export interface InvertibilityRow {
  model: string;
  /** round-trip: an exact inverse (flow); reconstruction: through an encoder (a VAE's mean, an ONNX GAN's encoder); inversion: latent optimisation (GAN); completion: autoregressive; none: no inverse (samples-only, an ONNX GAN without encoder; reason says why). */
  method: 'round-trip' | 'reconstruction' | 'inversion' | 'completion' | 'failed' | 'none';
  label: string;
  n?: number;
  /** Flow: x → z → x and z → x → z, in model units. */
  /**
   * latentToLatent is over the prior draws whose image the forward maps back to finite
   * values; outsideDomain counts the others (far base draws whose image saturates in float32).
   */
  roundTrip?: { imageToImage: AbsoluteErrors; latentToLatent: AbsoluteErrors; outsideDomain?: number };
  /** MSE per image on [0, 1] pixels (completion: the drawn rows only), PSNR of the mean MSE. */
  mse?: Estimate95;
  psnr?: number;
  /** Share the domain classifier gives the original's label, Wilson 95%. */
  labelAgreement?: Estimate95 & { n: number };
  secondsPerImage?: number;
  reason?: string;
  /** Hybrid: how the test images' codes use the codebook (its own small table). */
  codebook?: CodebookUsage;
}

export interface TruncationSweep {
  model: string;
  samples: number;
  /** The latent coordinates the sweep left unscaled (the bundle's latent.untruncated), where it keeps any. */
  untruncated?: number[];
  points: { psi: number; precision: number; recall: number }[];
}

export interface TrendSection {
  /** The history file, as the user named it. */
  history: string;
  /** Comparable runs in the history, this one included. */
  runs: number;
  changes: TrendChange[];
}

/** One model × metric of the latest run against the most recent earlier run that measured it. */
export interface TrendChange {
  model: string;
  metricId: string;
  metricLabel: string;
  latest: number;
  /** Undefined when no earlier run measured this model and metric. */
  previous?: number;
  previousDate?: string;
  /** latest − previous. */
  change?: number;
  verdict: 'better' | 'worse' | 'unchanged' | 'first run';
  /** True when the bundle hash differs from the previous run's: a new model version. */
  bundleChanged: boolean;
}

export interface BackendInfo {
  name: string;
  reason: string;
  /** What sampling and extraction ran on: 'GPU: … (CUDA, tfjs-node-gpu)' or 'CPU: <model>, <n> cores' (absent in reports made before it). */
  device?: string;
}

export interface StageTiming {
  stage: string;
  seconds: number;
}

export interface DatasetInfo {
  name: string;
  split: string;
  count: number;
  shape: [number, number, number];
}

/** The extractor as it describes itself (features/), with its space in a run of several. */
export interface ExtractorInfo extends ExtractorDescription {
  /** The space's id in metric ids (`fid@<space>`), where the run has several spaces. */
  space?: string;
}

export interface ModelEntry {
  name: string;
  /** 'unknown' only for a model whose manifest could not be read. */
  family: Family | 'unknown';
  bundle: string;
  /** sha256 over the bundle's manifest and weight files. */
  hash: string;
  parameters: number;
  status: 'ok' | 'failed';
  /** Present when status is 'failed': the message the user needs. */
  error?: string;
  /** Images per second while sampling, on the named backend. */
  samplesPerSecond?: number;
  /** Threads that drew the samples, when more than one (an autoregressive model's batches on wasm). */
  samplingThreads?: number;
  /** Generated images this model was measured on, where the config gave it its own count (else run.samples). */
  samples?: number;
  /** What ran the components: "TensorFlow.js 4.22.0", "onnxruntime-node 1.30.0, cpu execution provider, 2 threads" ("; " between several). */
  runtime?: string;
}

export type MetricCell =
  | {
      kind: 'value';
      value: number;
      /** 95% interval, when one was computed. */
      interval?: [number, number];
      /** Standard deviation over subsets/splits, when the metric defines one. */
      std?: number;
      n: number;
      best?: boolean;
    }
  | { kind: 'not-applicable'; reason: string }
  | { kind: 'failed'; reason: string };

export interface ChartEntry {
  id: string;
  title: string;
  caption: string;
  /** The Vega-Lite spec, so the chart can be re-made or restyled. */
  spec: unknown;
  svg: string;
}

export interface ImageEntry {
  id: string;
  title: string;
  caption: string;
  model?: string;
  /** The report section that shows the image; absent: the samples section. */
  section?: 'invertibility';
  /** data:image/png;base64,... */
  dataUri: string;
  width: number;
  height: number;
}
