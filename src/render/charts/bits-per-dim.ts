/**
 * The density section's chart: bits/dim per estimate with its 95% interval.
 * Exact likelihoods and lower bounds differ in mark and colour, an unreliable
 * Parzen estimate is hollow, and the independent-pixels reference is a dashed
 * rule for scale.
 */
import type { ChartEntry, DensityRow, ReportData } from '../../assemble/report-data.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';

export const BITS_PER_DIM_CHART_ID = 'bits-per-dim';

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
  const y = {
    field: 'estimate',
    type: 'nominal' as const,
    title: null,
    sort: points.map((p) => p.estimate),
    axis: { labelLimit: 260 },
  };
  const x = {
    field: 'bits',
    type: 'quantitative' as const,
    title: 'bits/dim (lower is better)',
    scale: { zero: false, nice: true },
  };
  const kind = {
    field: 'kind',
    type: 'nominal' as const,
    title: 'Kind',
    scale: { domain: KIND_STYLE.domain, range: KIND_STYLE.colours },
    legend: { orient: 'bottom' as const },
  };
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
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' }, color: kind },
          },
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
                {
                  mark: {
                    type: 'text' as const,
                    align: 'left' as const,
                    dx: 3,
                    dy: -4,
                    baseline: 'bottom' as const,
                    fontSize: 10,
                    color: '#555',
                  },
                  encoding: { x, y: { value: 0 }, text: { field: 'label' } },
                },
              ],
            },
          ]),
    ],
  } as VegaLiteSpec;
}

function point(r: DensityRow) {
  return {
    estimate: `${r.model} · ${r.estimator}`,
    kind: r.kind,
    bits: r.bitsPerDim!.value,
    low: r.bitsPerDim!.low,
    high: r.bitsPerDim!.high,
  };
}

/** The chart, where the density section has a bits/dim value. */
export async function bitsPerDimCharts(data: ReportData): Promise<ChartEntry[]> {
  const spec = bitsPerDimChartSpec(data);
  if (!spec) return [];
  return [
    {
      id: BITS_PER_DIM_CHART_ID,
      title: 'Bits per dimension',
      caption:
        'Negative log-likelihood of the test images in bits/dim with its 95% interval. Blue circles: exact; orange triangles: lower bounds (the true value is at or below them); grey: Parzen, unreliable and never ranked. Dashed: the independent-pixels reference.',
      spec,
      svg: await renderChart(spec),
    },
  ];
}
