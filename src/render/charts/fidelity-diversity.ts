/**
 * Fidelity against diversity: precision against recall and density against
 * coverage, one point per model, error bars where a cell has a 95% interval.
 * A model that looks real but covers little (a collapsed GAN) sits top left;
 * one that covers everything blurrily sits bottom right.
 */
import type { ChartEntry, MetricCell, ReportData } from '../../assemble/report-data.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';

export const FIDELITY_DIVERSITY_CHART_ID = 'fidelity-diversity';

interface Panel {
  /** Diversity metric on x, fidelity metric on y. */
  x: string;
  y: string;
  /** Density may exceed 1, so only the bounded metrics get a fixed [0, 1] axis. */
  unitY: boolean;
}

const PANELS: Panel[] = [
  { x: 'recall', y: 'precision', unitY: true },
  { x: 'coverage', y: 'density', unitY: false },
];

interface PanelPoint {
  model: string;
  x: number;
  xLow: number;
  xHigh: number;
  y: number;
  yLow: number;
  yHigh: number;
}

function range(cell: Extract<MetricCell, { kind: 'value' }>): [number, number] {
  return cell.interval ?? [cell.value, cell.value];
}

function panelPoints(data: ReportData, panel: Panel): PanelPoint[] {
  return data.models.flatMap((m) => {
    const x = data.results[m.name]?.[panel.x];
    const y = data.results[m.name]?.[panel.y];
    if (x?.kind !== 'value' || y?.kind !== 'value') return [];
    const [xLow, xHigh] = range(x);
    const [yLow, yHigh] = range(y);
    return [{ model: m.name, x: x.value, xLow, xHigh, y: y.value, yLow, yHigh }];
  });
}

/** The chart's spec, or null when no model has both metrics of either panel. */
export function fidelityDiversityChartSpec(data: ReportData): VegaLiteSpec | null {
  const modelOrder = data.models.map((m) => m.name);
  const color = {
    field: 'model',
    type: 'nominal' as const,
    sort: modelOrder,
    title: 'Model',
    legend: { orient: 'bottom' as const },
  };
  const panels = PANELS.flatMap((panel) => {
    const points = panelPoints(data, panel);
    // "Precision", not "Precision · MNIST domain classifier": the chart's title names the space, and a
    // long rotated y title would stretch the chart far above and below its plot.
    const label = (id: string) => (data.metrics.find((m) => m.id === id)?.label ?? id).split(' · ')[0];
    if (points.length === 0) return [];
    const x = {
      field: 'x',
      type: 'quantitative' as const,
      title: `${label(panel.x)} (diversity)`,
      scale: { domain: [0, 1] },
    };
    const y = {
      field: 'y',
      type: 'quantitative' as const,
      title: `${label(panel.y)} (fidelity)`,
      scale: panel.unitY ? { domain: [0, 1] } : { zero: true, nice: true },
    };
    return [
      {
        width: 220,
        height: 220,
        data: { values: points },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 1.5 } as const,
            encoding: { x: { ...x, field: 'xLow' }, x2: { field: 'xHigh' }, y, color },
          },
          {
            mark: { type: 'rule', strokeWidth: 1.5 } as const,
            encoding: { x, y: { ...y, field: 'yLow' }, y2: { field: 'yHigh' }, color },
          },
          { mark: { type: 'point', size: 70 } as const, encoding: { x, y, color, shape: color } },
        ],
      },
    ];
  });
  if (panels.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    hconcat: panels,
    spacing: 36,
  };
}

/** The chart as a report entry: none, or one, to push onto ReportData.charts. */
export async function fidelityDiversityCharts(data: ReportData): Promise<ChartEntry[]> {
  const spec = fidelityDiversityChartSpec(data);
  if (!spec) return [];
  return [
    {
      id: FIDELITY_DIVERSITY_CHART_ID,
      title:
        data.extractors && data.extractors.length > 1
          ? `Fidelity against diversity (${data.extractors[0]!.name.replace(/\s*\(.*\)\s*$/, '')} space)`
          : 'Fidelity against diversity',
      caption:
        'One point per model; up is more realistic samples, right is more of the real data covered. Bars: 95% interval, where computed.',
      spec,
      svg: await renderChart(spec),
    },
  ];
}
