/**
 * Mode coverage: for each model, the share of its samples the domain
 * classifier puts in each class (bars), against the real data's share
 * (black ticks). A collapsed model shows a few tall bars and empty classes.
 */
import type { ChartEntry } from '../../assemble/report-data.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';

export const MODE_COVERAGE_CHART_ID = 'mode-coverage';

export interface ClassHistograms {
  real: number[];
  models: { model: string; counts: number[] }[];
  /** Class names, index = class (the classifier's declaration, else the data's); default "0", "1", … */
  classes?: readonly string[];
  /** The real data the ticks come from (`cifar10:test`), for the caption. */
  data?: string;
}

export function modeCoverageChartSpec(histograms: ClassHistograms): VegaLiteSpec {
  const share = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    return counts.map((c) => c / total);
  };
  const real = share(histograms.real);
  const names = histograms.real.map((_, c) => histograms.classes?.[c] ?? String(c));
  const values = histograms.models.flatMap(({ model, counts }) =>
    share(counts).map((s, c) => ({ model, class: names[c], generated: s, real: real[c] })),
  );
  // Names longer than a digit or two (airplane, automobile, …) are set aslant to fit under the bars.
  const labelAngle = names.some((n) => n.length > 2) ? -45 : 0;
  const order = histograms.models.map((m) => m.model);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { field: 'model', type: 'nominal', sort: order, title: null },
    columns: 3,
    spec: {
      width: 150,
      height: 90,
      layer: [
        {
          mark: { type: 'bar', color: '#0072B2' },
          encoding: {
            x: { field: 'class', type: 'ordinal', title: 'class', sort: names, axis: { labelAngle } },
            y: { field: 'generated', type: 'quantitative', title: 'share of samples', axis: { format: '.0%' } },
          },
        },
        {
          mark: { type: 'tick', color: '#000000', thickness: 2 },
          encoding: { x: { field: 'class', type: 'ordinal', sort: names }, y: { field: 'real', type: 'quantitative' } },
        },
      ],
    },
  } as VegaLiteSpec;
}

export async function modeCoverageChart(histograms: ClassHistograms): Promise<ChartEntry> {
  const spec = modeCoverageChartSpec(histograms);
  return {
    id: MODE_COVERAGE_CHART_ID,
    title: 'Mode coverage: class histogram per model',
    caption: `Bars: share of generated samples the domain classifier assigns to each class; black ticks: each class's share of the real images${histograms.data ? ` (${histograms.data})` : ''}.`,
    spec,
    svg: await renderChart(spec),
  };
}
