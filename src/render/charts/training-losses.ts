/**
 * The training section's chart: one panel per model with a log, its losses
 * smoothed (EMA) over a faint band that spans the raw per-step values, and
 * every detected episode shaded (orange: warning, red: critical). Long logs
 * are reduced to at most `maxPoints` bins; the band keeps each bin's minimum
 * and maximum, so spikes stay visible where a thinned line would drop them.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartEntry } from '../../assemble/report-data.ts';
import { ganLosses, type NamedTrace } from '../../diagnostics/gan-losses.ts';
import type { TrainingDiagnostics } from '../../diagnostics/report-section.ts';
import { DEFAULT_THRESHOLDS, type DiagnosticThresholds } from '../../diagnostics/thresholds.ts';
import type { TrainingLog } from '../../diagnostics/training-log.ts';
import { ema, entriesFor, finiteTrace } from '../../diagnostics/trace.ts';
import { renderChart } from '../chart.ts';

export const TRAINING_CHART_ID = 'training-losses';

export interface LossChartModel {
  log: TrainingLog;
  diagnostics: TrainingDiagnostics;
}

/** Each model's log as diagnostics read it (null: the bundle names none). */
export interface TrainingLogOf {
  log: TrainingLog | null;
  diagnostics: TrainingDiagnostics;
}

export interface LossChartOptions {
  thresholds?: DiagnosticThresholds;
  maxPoints?: number;
  width?: number;
}

/** Okabe–Ito, as the rest of the report: G blue, D green, further series after. */
const SERIES_COLOURS = ['#0072B2', '#009E73', '#CC79A7', '#56B4E9', '#000000'];
const EPISODE_COLOURS = { warning: '#E69F00', critical: '#D55E00' } as const;

export function trainingLossChartSpec(models: LossChartModel[], options: LossChartOptions = {}): TopLevelSpec {
  const { thresholds = DEFAULT_THRESHOLDS, maxPoints = 400, width = 520 } = options;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: models.map((m) => modelPanel(m, thresholds, maxPoints, width)),
  } as TopLevelSpec;
}

function modelPanel(
  { log, diagnostics }: LossChartModel,
  thresholds: DiagnosticThresholds,
  maxPoints: number,
  width: number,
) {
  const names = chartedSeries(log, thresholds);
  const raw: { series: string; step: number; low: number; high: number }[] = [];
  const smooth: { series: string; step: number; value: number }[] = [];
  for (const name of names) {
    const trace = finiteTrace(log.step, log.series[name]!);
    if (trace.step.length === 0) continue;
    const smoothed = ema(trace.value, entriesFor(thresholds.emaSpanSteps, trace));
    for (const bin of bins(trace.step.length, maxPoints)) {
      const values = trace.value.slice(bin.lo, bin.hi);
      const step = trace.step[bin.hi - 1]!;
      raw.push({ series: name, step, low: Math.min(...values), high: Math.max(...values) });
      smooth.push({ series: name, step, value: smoothed[bin.hi - 1]! });
    }
  }
  const episodes = diagnostics.findings
    .filter((f) => f.steps !== null && f.severity !== 'info')
    .map((f) => ({
      from: f.steps![0],
      to: f.steps![1],
      colour: EPISODE_COLOURS[f.severity as 'warning' | 'critical'],
    }));
  const x = {
    field: 'step',
    type: 'quantitative',
    title: 'training step',
    scale: { domain: [log.step[0], log.step.at(-1)] },
  } as const;
  const colour = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: names, range: SERIES_COLOURS },
    legend: { orient: 'top', direction: 'horizontal' },
  } as const;
  return {
    title: { text: diagnostics.model, subtitle: `${diagnostics.label} (${diagnostics.severity})` },
    width,
    height: 160,
    layer: [
      {
        data: { values: episodes },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          x: { field: 'from', type: 'quantitative' },
          x2: { field: 'to' },
          // Its own channel, coloured straight from the data, so the series keep the one colour legend.
          fill: { field: 'colour', type: 'nominal', scale: null, legend: null },
        },
      },
      {
        data: { values: raw },
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x,
          y: { field: 'low', type: 'quantitative', title: 'loss (nats)' },
          y2: { field: 'high' },
          color: colour,
        },
      },
      {
        data: { values: smooth },
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: { x, y: { field: 'value', type: 'quantitative' }, color: colour },
      },
    ],
  };
}

/** The GAN losses where the log has them; otherwise every column named like a loss. */
function chartedSeries(log: TrainingLog, thresholds: DiagnosticThresholds): string[] {
  const { generator, discriminator } = ganLosses(log, thresholds.columns);
  const gan = [generator, discriminator].filter((t): t is NamedTrace => t !== null).map((t) => t.name);
  return gan.length > 0 ? gan : Object.keys(log.series).filter((name) => /loss/i.test(name));
}

function bins(n: number, maxBins: number): { lo: number; hi: number }[] {
  const count = Math.min(n, maxBins);
  return Array.from({ length: count }, (_, b) => ({
    lo: Math.floor((b * n) / count),
    hi: Math.floor(((b + 1) * n) / count),
  }));
}

/** The chart, where a model's log has GAN losses; the others are named in the section's table. */
export async function trainingLossCharts(
  models: readonly TrainingLogOf[],
  thresholds: DiagnosticThresholds,
): Promise<ChartEntry[]> {
  const logged = models.flatMap(({ log, diagnostics }) =>
    log !== null && diagnostics.label !== 'no GAN losses' ? [{ log, diagnostics }] : [],
  );
  if (logged.length === 0) return [];
  const spec = trainingLossChartSpec(logged, { thresholds });
  return [
    {
      id: TRAINING_CHART_ID,
      title: 'Training losses',
      caption:
        'Smoothed losses (EMA) over the faint raw per-step range; shaded: detected episodes (orange: warning, red: critical).',
      spec,
      svg: await renderChart(spec),
    },
  ];
}
