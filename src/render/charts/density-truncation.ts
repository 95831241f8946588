/**
 * Two charts from the density and truncation sections. Bits/dim per estimate
 * with its 95% interval: exact likelihoods and lower bounds differ in mark and
 * colour, an unreliable Parzen estimate is hollow, and the independent-pixels
 * reference is a dashed rule for scale. The truncation curve: precision and
 * recall of each GAN as its latents shrink by ψ.
 */
import type { ChartEntry, DensityRow, ReportData } from '../../assemble/report-data.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';

export const BITS_PER_DIM_CHART_ID = 'bits-per-dim';
export const TRUNCATION_CHART_ID = 'truncation';

const KIND_STYLE = {
  domain: ['exact', 'bound', 'unreliable'],
  colours: ['#0072B2', '#E69F00', '#999999'],
  shapes: ['circle', 'triangle-down', 'square'],
};

export function bitsPerDimChartSpec(data: ReportData): VegaLiteSpec | null {
  const section = data.density;
  if (!section) return null;
  const points = section.rows.flatMap((r) => (r.bitsPerDim ? [point(r)] : []));
  if (points.length === 0) return null;
  const y = { field: 'estimate', type: 'nominal' as const, title: null, sort: points.map((p) => p.estimate), axis: { labelLimit: 260 } };
  const x = { field: 'bits', type: 'quantitative' as const, title: 'bits/dim (lower is better)', scale: { zero: false, nice: true } };
  const kind = { field: 'kind', type: 'nominal' as const, title: 'Kind', scale: { domain: KIND_STYLE.domain, range: KIND_STYLE.colours }, legend: { orient: 'bottom' as const } };
  const shape = { ...kind, scale: { domain: KIND_STYLE.domain, range: KIND_STYLE.shapes } };
  const reference = section.reference?.bitsPerDim?.value;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 22 },
    layer: [
      {
        data: { values: points },
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' }, color: kind } },
          { mark: { type: 'point', size: 80, filled: true }, encoding: { y, x, color: kind, shape } },
        ],
      },
      ...(reference === undefined
        ? []
        : [
            {
              data: { values: [{ bits: reference, label: 'independent pixels' }] },
              layer: [
                { mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#555' }, encoding: { x } },
                { mark: { type: 'text' as const, align: 'left' as const, dx: 3, dy: -4, baseline: 'bottom' as const, fontSize: 10, color: '#555' }, encoding: { x, y: { value: 0 }, text: { field: 'label' } } },
              ],
            },
          ]),
    ],
  } as VegaLiteSpec;
}

function point(r: DensityRow) {
  return { estimate: `${r.model} · ${r.estimator}`, kind: r.kind, bits: r.bitsPerDim!.value, low: r.bitsPerDim!.low, high: r.bitsPerDim!.high };
}

export function truncationChartSpec(data: ReportData): VegaLiteSpec | null {
  if (!data.truncation?.length) return null;
  const values = data.truncation.flatMap((s) => s.points.flatMap((p) => [
    { model: s.model, psi: p.psi, metric: 'precision', value: p.precision },
    { model: s.model, psi: p.psi, metric: 'recall', value: p.recall },
  ]));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'psi', type: 'quantitative', title: 'truncation ψ (latents scaled by ψ)', scale: { zero: false } },
      y: { field: 'value', type: 'quantitative', title: 'precision / recall', scale: { domain: [0, 1] } },
      color: { field: 'model', type: 'nominal', title: 'Model', legend: { orient: 'bottom' } },
      strokeDash: { field: 'metric', type: 'nominal', title: 'Metric', legend: { orient: 'bottom' } },
      shape: { field: 'metric', type: 'nominal', title: 'Metric' },
    },
  };
}

/** The charts the density and truncation sections have data for, to push onto ReportData.charts. */
export async function densityTruncationCharts(data: ReportData): Promise<ChartEntry[]> {
  const charts: ChartEntry[] = [];
  const bits = bitsPerDimChartSpec(data);
  if (bits) {
    charts.push({
      id: BITS_PER_DIM_CHART_ID,
      title: 'Bits per dimension',
      caption: 'Negative log-likelihood of the test images in bits/dim with its 95% interval. Blue circles: exact; orange triangles: lower bounds (the true value is at or below them); grey: Parzen, unreliable and never ranked. Dashed: the independent-pixels reference.',
      spec: bits,
      svg: await renderChart(bits),
    });
  }
  const truncation = truncationChartSpec(data);
  if (truncation) {
    const samples = data.truncation!.map((s) => s.samples);
    charts.push({
      id: TRUNCATION_CHART_ID,
      title: 'Truncation sweep (GANs)',
      caption: `Precision (fidelity) and recall (diversity) at each ψ, ${Math.min(...samples)} samples per point, the same latents at every ψ; ψ = 1 is the untruncated model.${data.extractors && data.extractors.length > 1 ? ` Measured in the first feature space, ${data.extractors[0]!.name.replace(/\s*\(.*\)\s*$/, '')}.` : ''}`,
      spec: truncation,
      svg: await renderChart(truncation),
    });
  }
  return charts;
}
