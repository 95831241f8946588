/**
 * The trend section's chart: each headline metric over time per model, one
 * panel per metric (scales differ), a line per model, dots per run with their
 * error bars. history/trend.ts reads the points from the history.
 */
import type { ChartEntry } from '../../assemble/report-data.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';

export const TREND_CHART_ID = 'trend';

export interface TrendPoint {
  /** The run's date (ISO). */
  date: string;
  model: string;
  /** The bundle hash, shortened. */
  bundle: string;
  /** The panel's title: "FID (lower is better)". */
  metric: string;
  value: number;
  low: number;
  high: number;
}

export interface TrendSeries {
  points: TrendPoint[];
  /** Panel titles, top to bottom. */
  panels: string[];
  /** Models in the order their lines are coloured. */
  models: string[];
}

export function trendChartSpec({ points, panels, models }: TrendSeries): VegaLiteSpec {
  const x = { field: 'date', type: 'temporal', title: null, axis: { format: '%Y-%m-%d', labelAngle: -30 } } as const;
  const color = { field: 'model', type: 'nominal', sort: models, title: 'model' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    // Panel titles above their panels, left-aligned: long labels ("FID · MNIST domain classifier") stay readable.
    facet: {
      row: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: panels,
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold', labelPadding: 4 },
      },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 420,
      // Several spaces follow more metrics: lower panels keep the chart on a page.
      height: panels.length > 4 ? 64 : 140,
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: { x, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } }, color },
        },
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color },
        },
        { mark: { type: 'point' }, encoding: { x, y: { field: 'value', type: 'quantitative' }, color } },
      ],
    },
  };
}

/** The chart, once the history holds two comparable runs or more. */
export async function trendCharts(trend: {
  history: string;
  runs: number;
  series: TrendSeries;
}): Promise<ChartEntry[]> {
  if (trend.runs < 2) return [];
  const spec = trendChartSpec(trend.series);
  return [
    {
      id: TREND_CHART_ID,
      title: 'Headline metrics over time',
      caption: `${trend.runs} comparable runs from ${trend.history}; bars: 95% interval or ± std.`,
      spec,
      svg: await renderChart(spec),
    },
  ];
}
