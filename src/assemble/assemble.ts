/**
 * Results -> ReportData. Pure: no I/O, no clock, no randomness; everything
 * it needs arrives as arguments, so the same results always make the same report.
 */
import {
  REPORT_FORMAT,
  type BackendInfo,
  type ChartEntry,
  type DatasetInfo,
  type ExtractorInfo,
  type ImageEntry,
  type MetricCell,
  type MetricInfo,
  type ModelEntry,
  type ReportData,
  type StageTiming,
  type TrendSection,
} from './report-data.ts';
import type { TrainingSection } from '../diagnostics/report-section.ts';
import type { TruncationCurve } from '../truncation/sweep.ts';
import { densityEntries, densitySection, type DensityInput } from './density-section.ts';
import type { PairedDraws } from '../metrics/paired-difference.ts';
import { densityDifferences, metricDifferences } from './differences.ts';
import { shortfall } from './direction.ts';
import { humanSection, type HumanInput } from './human-section.ts';
import { invertibilityRow } from './invertibility-section.ts';
import type { InvertibilityResult } from '../invertibility/evaluate.ts';

export interface AssembleInput {
  title: string;
  createdAt: string;
  tool: { name: string; version: string };
  command: string;
  seed: number;
  samples: number;
  backend: BackendInfo;
  /** Seconds per stage so far; completeReport gives the final ones. */
  timings: readonly StageTiming[];
  dataset: DatasetInfo;
  extractor: ExtractorInfo;
  /** Every feature space, when the run has several (the first is `extractor`). */
  extractors?: ExtractorInfo[];
  metrics: MetricInfo[];
  /** `paired`: per metric id, values drawn with the same indices for every model, for paired differences. */
  models: {
    entry: ModelEntry;
    cells: Record<string, MetricCell>;
    paired?: Record<string, PairedDraws>;
  }[];
  training?: TrainingSection;
  density?: DensityInput;
  /** Each model's invertibility result, in report order, and the test images they were checked on. */
  invertibility?: { images: number; models: { model: string; result: InvertibilityResult }[] };
  /** Each swept GAN's precision/recall curve, in report order. */
  truncation?: { model: string; curve: TruncationCurve }[];
  /** Human judgments read from a rating session's ratings.jsonl. */
  human?: HumanInput;
  /** Run-level warnings from earlier stages (a feature space that does not fit the data), shown first. */
  warnings?: string[];
}

/** Fewer generated samples than this make FID visibly biased upwards. */
export const STABLE_FID_SAMPLES = 2000;

export function assembleReport(input: AssembleInput): ReportData {
  const human =
    input.human &&
    humanSection(
      input.human,
      input.models.map((m) => m.entry.name),
    );
  const metrics = human ? [...input.metrics, ...human.metrics] : input.metrics;
  const results: Record<string, Record<string, MetricCell>> = {};
  for (const m of input.models) {
    const cells = { ...m.cells, ...human?.cells[m.entry.name] };
    results[m.entry.name] = Object.fromEntries(
      metrics.map((info) => [info.id, cells[info.id] ?? missingCell(m.entry)]),
    );
  }
  markBest(results, metrics);
  const density = input.density ? densitySection(input.density) : undefined;
  const differences = [
    ...metricDifferences(
      input.metrics,
      input.models.map((m) => ({ name: m.entry.name, cells: results[m.entry.name]!, paired: m.paired })),
    ),
    ...(input.density && density
      ? densityDifferences(density, densityEntries(input.density), input.density.reference?.model)
      : []),
  ];
  return {
    format: REPORT_FORMAT,
    title: input.title,
    createdAt: input.createdAt,
    tool: input.tool,
    run: {
      command: input.command,
      seed: input.seed,
      samples: input.samples,
      backend: input.backend,
      timings: input.timings.map((t) => ({ ...t })),
    },
    dataset: input.dataset,
    extractor: input.extractor,
    // Only with several spaces, so one-space reports (and goldens) stay as they were.
    ...(input.extractors && input.extractors.length > 1 ? { extractors: input.extractors } : {}),
    models: input.models.map((m) => m.entry),
    metrics,
    results,
    charts: [],
    images: [],
    warnings: [...(input.warnings ?? []), ...warningsFor(input), ...(human?.warnings ?? [])],
    training: input.training,
    ...(density ? { density } : {}),
    ...(input.invertibility
      ? {
          invertibility: {
            images: input.invertibility.images,
            rows: input.invertibility.models.map((m) => invertibilityRow(m.model, m.result)),
          },
        }
      : {}),
    ...(input.truncation?.length
      ? {
          truncation: input.truncation.map(({ model, curve }) => ({ model, ...curve })),
        }
      : {}),
    ...(human ? { human: human.section } : {}),
    ...(differences.length ? { differences } : {}),
  };
}

/**
 * What a report gains from the stages that read it once assembled: the trend
 * (this run's record against the history's), the charts, the image grids, and
 * the seconds per stage up to these (the stage that writes the report cannot
 * be among them). A new report, so nothing after assemble writes into one.
 */
export function completeReport(
  data: ReportData,
  later: {
    trend?: TrendSection;
    charts: readonly ChartEntry[];
    images: readonly ImageEntry[];
    timings: readonly StageTiming[];
  },
): ReportData {
  return {
    ...data,
    run: { ...data.run, timings: later.timings.map((t) => ({ ...t })) },
    charts: [...data.charts, ...later.charts],
    images: [...data.images, ...later.images],
    ...(later.trend ? { trend: later.trend } : {}),
  };
}

function missingCell(entry: ModelEntry): MetricCell {
  return entry.status === 'failed'
    ? { kind: 'failed', reason: entry.error ?? 'the model failed' }
    : { kind: 'failed', reason: 'not computed' };
}

/** Mark the best value per metric column among models that have one. */
function markBest(results: ReportData['results'], metrics: MetricInfo[]): void {
  for (const info of metrics) {
    let best: { value: number } | null = null;
    // Every row has every metric's cell (filled above, missing ones as failed).
    const cells = Object.values(results).map((row) => row[info.id]!);
    for (const cell of cells) {
      if (cell.kind !== 'value') continue;
      if (!best || shortfall(info.direction, cell.value) < shortfall(info.direction, best.value)) best = cell;
    }
    const valued = cells.filter((c) => c.kind === 'value');
    if (best && valued.length > 1) {
      for (const cell of valued) if (cell.kind === 'value' && cell.value === best.value) cell.best = true;
    }
  }
}

function warningsFor(input: AssembleInput): string[] {
  const warnings: string[] = [];
  const ok = input.models.filter((m) => m.entry.status === 'ok');
  const counts = ok.map((m) => m.entry.samples ?? input.samples);
  const fewest = counts.length > 0 ? Math.min(...counts) : input.samples;
  if (fewest < STABLE_FID_SAMPLES && input.metrics.some((m) => m.id === 'fid')) {
    const where = counts.every((n) => n === fewest)
      ? 'per model'
      : `for ${ok
          .filter((_, i) => counts[i] === fewest)
          .map((m) => m.entry.name)
          .join(', ')}`;
    warnings.push(
      `Only ${fewest} generated samples ${where}: FID is biased upwards at small sample counts, so compare FIDs only between reports with equal counts (${STABLE_FID_SAMPLES} or more is steadier).`,
    );
  }
  const own = ok.filter((m) => m.entry.samples !== undefined && m.entry.samples !== input.samples);
  if (own.length > 0) {
    warnings.push(
      `${own.map((m) => `${m.entry.name} was measured on ${m.entry.samples} generated samples`).join(', ')}, the other models on ${input.samples}: ` +
        'sample-based metrics (FID above all) depend on the count, so compare them only between models with equal counts; their differences are not paired.',
    );
  }
  for (const m of input.models) {
    if (m.entry.status === 'failed') warnings.push(`Model ${m.entry.name} failed: ${m.entry.error}`);
  }
  return warnings;
}
