/**
 * FID and KID per model, one panel each (their scales differ by orders of
 * magnitude), dots with error bars, models in the report's order: one chart
 * for the first feature space, and one for each later space that measured
 * FID or KID, titled with its space.
 */
import type { ChartEntry, MetricCell, ReportData } from '../../assemble/report-data.ts';
import { spaceLabel } from '../../features/spaces.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';

/** A later space's chart is `fid-kid-<space>`. */
export const FID_KID_CHART_ID = 'fid-kid';
const CAPTION = 'Lower is better. KID bars show ± one standard deviation over subsets.';

interface MetricPoint {
  model: string;
  metric: string;
  value: number;
  low: number;
  high: number;
  spread: string;
}

/** The error bar a cell supports: KID's ± std, else a 95% interval, else none (a bare point). */
function pointFromCell(model: string, metric: string, cell: MetricCell): MetricPoint | undefined {
  if (cell.kind !== 'value') return undefined;
  if (cell.std !== undefined) {
    return {
      model,
      metric,
      value: cell.value,
      low: cell.value - cell.std,
      high: cell.value + cell.std,
      spread: '± std',
    };
  }
  if (cell.interval) {
    return { model, metric, value: cell.value, low: cell.interval[0], high: cell.interval[1], spread: '95% interval' };
  }
  return { model, metric, value: cell.value, low: cell.value, high: cell.value, spread: 'none' };
}

/** A panel shows one space's metric; the chart's title names the space, so the header stays short. */
function panelLabel(label: string): string {
  return label.split(' · ')[0]!;
}

/** `space`: a later feature space's id, whose `fid@<space>` and `kid@<space>` it shows; the first space's plain ids without. */
export function fidKidChartSpec(data: ReportData, space?: string): VegaLiteSpec {
  const ids = space ? [`fid@${space}`, `kid@${space}`] : ['fid', 'kid'];
  const metrics = data.metrics.filter((m) => ids.includes(m.id));
  const modelOrder = data.models.map((m) => m.name);
  const points: MetricPoint[] = [];
  for (const metric of metrics) {
    for (const model of modelOrder) {
      const cell = data.results[model]?.[metric.id];
      const point = cell && pointFromCell(model, `${panelLabel(metric.label)} (lower is better)`, cell);
      if (point) points.push(point);
    }
  }
  const y = { field: 'model', type: 'nominal', sort: modelOrder, title: null } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    facet: {
      column: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: metrics.map((m) => `${panelLabel(m.label)} (lower is better)`),
      },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 260,
      height: { step: 28 },
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: {
            y,
            x: { field: 'low', type: 'quantitative', title: null, scale: { zero: true } },
            x2: { field: 'high' },
            color: { field: 'model', type: 'nominal', sort: modelOrder, legend: null },
          },
        },
        {
          mark: { type: 'point' },
          encoding: {
            y,
            x: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'model', type: 'nominal', sort: modelOrder, legend: null },
          },
        },
      ],
    },
  };
}

/** The first space's chart, then one per later space with FID or KID values. */
export async function fidKidCharts(data: ReportData): Promise<ChartEntry[]> {
  const spaces = data.extractors && data.extractors.length > 1 ? data.extractors : undefined;
  const spec = fidKidChartSpec(data);
  const charts: ChartEntry[] = [
    {
      id: FID_KID_CHART_ID,
      title: spaces ? `FID and KID per model (${spaceLabel(spaces[0]!.name)} space)` : 'FID and KID per model',
      caption: CAPTION,
      spec,
      svg: await renderChart(spec),
    },
  ];
  for (const { space, name } of spaces?.slice(1) ?? []) {
    if (space === undefined) continue;
    const spaceSpec = fidKidChartSpec(data, space);
    if ((spaceSpec.data as { values: unknown[] }).values.length === 0) continue;
    charts.push({
      id: `${FID_KID_CHART_ID}-${space}`,
      title: `FID and KID per model (${spaceLabel(name)} space, ids …@${space})`,
      caption: CAPTION,
      spec: spaceSpec,
      svg: await renderChart(spaceSpec),
    });
  }
  return charts;
}
