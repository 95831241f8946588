/**
 * The truncation section's chart: precision and recall of each GAN as its
 * latents shrink by ψ.
 */
import type { ChartEntry, ReportData, TruncationSweep } from '../../assemble/report-data.ts';
import { renderChart, type VegaLiteSpec } from '../chart.ts';
import { formatList } from '../format.ts';

export const TRUNCATION_CHART_ID = 'truncation';

export function truncationChartSpec(data: ReportData): VegaLiteSpec | null {
  if (!data.truncation?.length) return null;
  const values = data.truncation.flatMap((s) =>
    s.points.flatMap((p) => [
      { model: s.model, psi: p.psi, metric: 'precision', value: p.precision },
      { model: s.model, psi: p.psi, metric: 'recall', value: p.recall },
    ]),
  );
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

/** The chart, where a GAN was swept. */
export async function truncationCharts(data: ReportData): Promise<ChartEntry[]> {
  const spec = truncationChartSpec(data);
  if (!spec || !data.truncation) return [];
  const samples = data.truncation.map((s) => s.samples);
  return [
    {
      id: TRUNCATION_CHART_ID,
      title: 'Truncation sweep (GANs)',
      caption: `Precision (fidelity) and recall (diversity) at each ψ, ${Math.min(...samples)} samples per point, the same latents at every ψ; ψ = 1 is the untruncated model.${keptSentence(data.truncation)}${data.extractors && data.extractors.length > 1 ? ` Measured in the first feature space, ${data.extractors[0]!.name.replace(/\s*\(.*\)\s*$/, '')}.` : ''}`,
      spec,
      svg: await renderChart(spec),
    },
  ];
}

/** " Not scaled, …: latent coordinate 0 for dcgan and sngan; coordinates 1 and 3 for big." from the bundles' latent.untruncated; "" where none keeps any. */
export function keptSentence(sweeps: readonly TruncationSweep[]): string {
  const byCoordinates = new Map<string, string[]>();
  for (const s of sweeps) {
    if (!s.untruncated?.length) continue;
    const key = `${s.untruncated.length > 1 ? 'coordinates' : 'coordinate'} ${formatList(s.untruncated.map(String))}`;
    byCoordinates.set(key, [...(byCoordinates.get(key) ?? []), s.model]);
  }
  if (!byCoordinates.size) return '';
  const parts = [...byCoordinates].map(([coordinates, models]) => `${coordinates} for ${formatList(models)}`);
  return ` Not scaled, as the bundles ask (latent.untruncated, such as the coordinate a class is read from): latent ${parts.join('; ')}.`;
}
