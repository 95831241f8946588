/**
 * The chart stage: every chart of a report, built once from the assembled
 * ReportData and the few results the report does not keep (class histograms,
 * training logs, the trend's points). One file per chart in this folder, each
 * with its id, title, caption and spec; this list is their order in
 * ReportData.charts.
 */
import type { ChartEntry, ReportData } from '../../assemble/report-data.ts';
import type { DiagnosticThresholds } from '../../diagnostics/thresholds.ts';
import { bitsPerDimCharts } from './bits-per-dim.ts';
import { fidKidCharts } from './fid-kid.ts';
import { fidelityDiversityCharts } from './fidelity-diversity.ts';
import { modeCoverageChart, type ClassHistograms } from './mode-coverage.ts';
import { trainingLossCharts, type TrainingLogOf } from './training-losses.ts';
import { trendCharts, type TrendSeries } from './trend.ts';
import { truncationCharts } from './truncation.ts';

export interface ChartInputs {
  /** Samples per class by the domain classifier, real and per model; no chart without a model's. */
  classHistograms?: ClassHistograms;
  /** Each model's training log; charted where it has GAN losses. */
  training?: { models: readonly TrainingLogOf[]; thresholds: DiagnosticThresholds };
  /** The history's comparable runs; charted from two on. */
  trend?: { history: string; runs: number; series: TrendSeries };
}

export async function charts(data: ReportData, inputs: ChartInputs = {}): Promise<ChartEntry[]> {
  const { classHistograms, training, trend } = inputs;
  return [
    ...(classHistograms && classHistograms.models.length > 0 ? [await modeCoverageChart(classHistograms)] : []),
    ...(await fidKidCharts(data)),
    ...(await fidelityDiversityCharts(data)),
    ...(await bitsPerDimCharts(data)),
    ...(await truncationCharts(data)),
    ...(training ? await trainingLossCharts(training.models, training.thresholds) : []),
    ...(trend ? await trendCharts(trend) : []),
  ];
}
