/**
 * Each model's density results and the reference → the report's density
 * section: a row per estimate (nats and bits/dim with 95% intervals, the IWAE
 * gap), which models are ranked together (same data space, real likelihoods
 * or bounds; the independent-pixels reference takes part for scale) and which
 * are set apart, with the reason.
 */
import type { ModelDensity } from '../density/evaluate.ts';
import { groupByDataSpace, type RankedEntry } from '../likelihood/comparability.ts';
import type { LikelihoodEstimate } from '../likelihood/likelihood-estimate.ts';
import { summarizeLogLikelihoods, type MeanInterval } from '../likelihood/nll-summary.ts';
import type { DensityRow, DensitySection, Estimate95 } from './report-data.ts';
import { publishedDensity } from './published-density.ts';

export interface DensityInput {
  images: number;
  /** D of the test images every estimate was measured on, for bits/dim. */
  dimensions: number;
  source: string;
  /** Per model, in report order. */
  models: { model: string; density: ModelDensity }[];
  reference: RankedEntry | null;
}

/** Every model's estimates, in report order. */
export function densityEntries(input: DensityInput): RankedEntry[] {
  return input.models.flatMap((m) => m.density.entries);
}

export function densitySection(input: DensityInput): DensitySection {
  const published = publishedDensity(input.source);
  const entries = densityEntries(input);
  const rows = input.models.flatMap((m) => densityRows(m.model, m.density, input.dimensions));
  const reference = input.reference && densityRow(input.reference.model, input.reference.estimate, input.dimensions);
  const { groups, apart } = groupByDataSpace(input.reference ? [...entries, input.reference] : entries);
  const rowOf = (model: string, estimator: string): DensityRow | undefined =>
    [...rows, ...(reference ? [reference] : [])].find((r) => r.model === model && r.estimator === estimator);
  return {
    images: input.images,
    source: input.source,
    rows,
    reference,
    groups: groups.map((g) => ({ dataSpace: g.dataSpace, models: modelsByBest(g.entries, rowOf) })),
    // The reference alone (no model has a likelihood) is no model set apart: it is still shown for scale.
    apart: apart
      .filter((a) => a.model !== input.reference?.model)
      .map((a) => ({ model: a.model, label: a.estimate.label, reason: a.reason })),
    ...(published ? { published } : {}),
  };
}

/** A model's rows: one per estimate, the IWAE row with its gap over the ELBO; or one row saying why there is none. */
export function densityRows(model: string, density: ModelDensity, dimensions: number): DensityRow[] {
  if (density.missing) return [{ model, ...density.missing }];
  const elbo = density.entries.find((e) => e.estimate.estimator === 'elbo')?.estimate;
  return density.entries.map(({ estimate: e }) =>
    densityRow(
      model,
      e,
      dimensions,
      e.estimator === 'iwae' && elbo ? meanOf(e.logLikelihoods) - meanOf(elbo.logLikelihoods) : undefined,
    ),
  );
}

/** An estimate as a report row; `dimensions` is D of the images it was measured on. */
export function densityRow(model: string, estimate: LikelihoodEstimate, dimensions: number, gap?: number): DensityRow {
  const summary = summarizeLogLikelihoods(estimate.logLikelihoods, dimensions);
  return {
    model,
    kind: estimate.kind,
    estimator: estimate.estimator,
    label: estimate.label,
    dataSpace: estimate.dataSpace,
    natsPerImage: estimate95(summary.nats),
    bitsPerDim: estimate95(summary.bitsPerDim),
    n: summary.nats.n,
    samples: estimate.samples,
    secondsPerImage: estimate.secondsPerImage,
    ...(gap === undefined ? {} : { gap }),
  };
}

function estimate95(m: MeanInterval): Estimate95 {
  // One image has no interval: its ends are the value itself.
  return {
    value: m.mean,
    low: Number.isFinite(m.low) ? m.low : m.mean,
    high: Number.isFinite(m.high) ? m.high : m.mean,
  };
}

function meanOf(values: Float64Array): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Each model once, by its tightest estimate (all are exact or lower bounds), lowest bits/dim first. */
function modelsByBest(
  entries: RankedEntry[],
  rowOf: (model: string, estimator: string) => DensityRow | undefined,
): string[] {
  const best = new Map<string, number>();
  for (const e of entries) {
    const bits = rowOf(e.model, e.estimate.estimator)?.bitsPerDim?.value ?? Infinity;
    best.set(e.model, Math.min(best.get(e.model) ?? Infinity, bits));
  }
  return [...best].sort((a, b) => a[1] - b[1]).map(([model]) => model);
}
