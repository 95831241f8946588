/**
 * Charts: Vega-Lite specs compiled and rendered to static SVG in Node.
 * Every chart shares one print-friendly config so the report reads as one piece.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Config } from 'vega-lite';

export type VegaLiteSpec = TopLevelSpec;

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies and in greyscale print. */
export const COLOUR_BLIND_SAFE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export const PRINT_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#d0d0d0' },
  range: { category: COLOUR_BLIND_SAFE },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    gridColor: '#e6e6e6',
    domainColor: '#888',
    tickColor: '#888',
  },
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
  const { spec: compiled } = compile({ ...spec, config: { ...PRINT_CONFIG, ...spec.config } } as VegaLiteSpec, {
    logger: vega.logger(vega.Error),
  });
  const refused: string[] = [];
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    loader: refusingLoader(refused),
    logLevel: vega.Error,
  });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0) throw new Error(`chart data must be inline; refusing to load ${refused.join(', ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}
