/**
 * Per-model density rows and the reference row → the report's density
 * section: which models are ranked together (same data space, real
 * likelihoods or bounds; the independent-pixels reference takes part for
 * scale) and which are set apart, with the reason.
 */
import { groupByDataSpace, type RankedEntry } from '../likelihood/comparability.ts';
import { publishedDensity } from './published-density.ts';
import type { DensityRow, DensitySection } from './report-data.ts';

export interface DensityInput {
  images: number;
  source: string;
  rows: DensityRow[];
  entries: RankedEntry[];
  reference: { row: DensityRow; entry: RankedEntry } | null;
}

export function densitySection(input: DensityInput): DensitySection {
  const published = publishedDensity(input.source);
  const { groups, apart } = groupByDataSpace(input.reference ? [...input.entries, input.reference.entry] : input.entries);
  const rowOf = (model: string, estimator: string): DensityRow | undefined =>
    [...input.rows, ...(input.reference ? [input.reference.row] : [])].find((r) => r.model === model && r.estimator === estimator);
  return {
    images: input.images,
    source: input.source,
    rows: input.rows,
    reference: input.reference?.row ?? null,
    groups: groups.map((g) => ({ dataSpace: g.dataSpace, models: modelsByBest(g.entries, rowOf) })),
    // The reference alone (no model has a likelihood) is no model set apart: it is still shown for scale.
    apart: apart.filter((a) => a.model !== input.reference?.entry.model).map((a) => ({ model: a.model, label: a.estimate.label, reason: a.reason })),
    ...(published ? { published } : {}),
  };
}

/** Each model once, by its tightest estimate (all are exact or lower bounds), lowest bits/dim first. */
function modelsByBest(entries: RankedEntry[], rowOf: (model: string, estimator: string) => DensityRow | undefined): string[] {
  const best = new Map<string, number>();
  for (const e of entries) {
    const bits = rowOf(e.model, e.estimate.estimator)?.bitsPerDim?.value ?? Infinity;
    best.set(e.model, Math.min(best.get(e.model) ?? Infinity, bits));
  }
  return [...best].sort((a, b) => a[1] - b[1]).map(([model]) => model);
}
