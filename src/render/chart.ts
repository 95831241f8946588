/**
 * Charts: Vega-Lite specs compiled and rendered to static SVG in Node.
 * Every chart shares one print-friendly config so the report reads as one piece.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Config } from 'vega-lite';
import type { MetricCell, ReportData } from '../assemble/report-data.ts';

export type VegaLiteSpec = TopLevelSpec;

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies and in greyscale print. */
export const COLOUR_BLIND_SAFE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export const PRINT_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#d0d0d0' },
  range: { category: COLOUR_BLIND_SAFE },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  header: { labelFontSize: 12, labelFontWeight: 'bold', titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' },
  point: { size: 60, filled: true },
};

/**
 * Charts carry their data inline: rendering must never touch the network or
 * disk. Vega only logs a failed load and draws an empty chart, so the loader
 * records what it refused and renderChart fails afterwards.
 */
function refusingLoader(refused: string[]): vega.Loader {
  const loader = vega.loader();
  loader.sanitize = async (uri: string) => {
    refused.push(uri);
    throw new Error(`refusing to load ${uri}`);
  };
  return loader;
}

export async function renderChart(spec: VegaLiteSpec): Promise<string> {
  // Compiler notes (e.g. merged scale domains) are for spec authors, not report readers.
  const { spec: compiled } = compile({ ...spec, config: { ...PRINT_CONFIG, ...spec.config } } as VegaLiteSpec, { logger: vega.logger(vega.Error) });
  const refused: string[] = [];
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: refusingLoader(refused), logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0) throw new Error(`chart data must be inline; refusing to load ${refused.join(', ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}

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
    return { model, metric, value: cell.value, low: cell.value - cell.std, high: cell.value + cell.std, spread: '± std' };
  }
  if (cell.interval) {
    return { model, metric, value: cell.value, low: cell.interval[0], high: cell.interval[1], spread: '95% interval' };
  }
  return { model, metric, value: cell.value, low: cell.value, high: cell.value, spread: 'none' };
}

/**
 * FID and KID per model, one panel each (their scales differ by orders of
 * magnitude), dots with error bars, models in the report's order.
 */
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
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: metrics.map((m) => `${panelLabel(m.label)} (lower is better)`) } },
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
