/**
 * The report's "difference to the best model": per metric, every model minus
 * the best one by paired bootstrap replicates (the same resample indices for
 * every model); per density ranking group, by per-image differences on the
 * shared test images. Pure: the same inputs always give the same rows.
 */
import type { RankedEntry } from '../likelihood/comparability.ts';
import { dimensionsOfSpace } from '../likelihood/data-space.ts';
import {
  excludesZero,
  pairedBootstrapDifference,
  pairedMeanDifference,
  type PairedDraws,
} from '../metrics/paired-difference.ts';
import { shortfall } from './direction.ts';
import type { DensitySection, DifferenceRow, DifferenceToBest, MetricCell, MetricInfo } from './report-data.ts';

export interface DifferenceModel {
  name: string;
  cells: Record<string, MetricCell>;
  /** Per metric id: values drawn with the same indices for every model. */
  paired?: Record<string, PairedDraws>;
}

export function metricDifferences(metrics: MetricInfo[], models: DifferenceModel[]): DifferenceToBest[] {
  return metrics.flatMap((metric) => {
    // 'near-one': a difference in value says nothing about which is nearer 1.
    if (metric.direction === 'near-one') return [];
    const valued = models.flatMap((m) => {
      const cell = m.cells[metric.id];
      return cell?.kind === 'value' ? [{ name: m.name, cell, draws: m.paired?.[metric.id] }] : [];
    });
    if (valued.length < 2) return [];
    // The first of the best values, as the scorecard's ★ (assemble.ts) picks it.
    const best = valued.reduce((a, b) =>
      shortfall(metric.direction, b.cell.value) < shortfall(metric.direction, a.cell.value) ? b : a,
    );
    const bestDraws = best.draws;
    if (!bestDraws) return [];
    const rows: DifferenceRow[] = valued.flatMap((v) => {
      // Pairs only when both drew the same indices: same kind, same generated count, same number of draws.
      if (v === best || !v.draws || v.draws.kind !== bestDraws.kind || v.cell.n !== best.cell.n) return [];
      const difference = pairedBootstrapDifference(
        { value: v.cell.value, replicates: v.draws.values },
        { value: best.cell.value, replicates: bestDraws.values },
      );
      return difference ? [{ model: v.name, difference, clear: excludesZero(difference) }] : [];
    });
    if (rows.length === 0) return [];
    return [
      {
        metric: metric.id,
        label: metric.label,
        unit: metric.unit,
        best: best.name,
        method: bestDraws.kind,
        n: bestDraws.values.length,
        rows,
      },
    ];
  });
}

/**
 * Per ranking group (models already best first), each model's tightest
 * estimate minus the best model's, image by image in bits/dim. The
 * independent-pixels reference is left out: it is there for scale.
 */
export function densityDifferences(
  section: Pick<DensitySection, 'groups'>,
  entries: RankedEntry[],
  reference?: string,
): DifferenceToBest[] {
  return section.groups.flatMap((group) => {
    const dimensions = dimensionsOfSpace(group.dataSpace);
    if (dimensions === null) return [];
    const bits = (e: RankedEntry) => e.estimate.logLikelihoods.map((ll) => -ll / (dimensions * Math.LN2));
    const tightest = (model: string): RankedEntry | undefined =>
      entries
        .filter(
          (e) => e.model === model && e.estimate.dataSpace === group.dataSpace && e.estimate.kind !== 'unreliable',
        )
        .sort((a, b) => mean(bits(a)) - mean(bits(b)))[0];
    const ranked = group.models.filter((m) => m !== reference).flatMap((m) => tightest(m) ?? []);
    const [best, ...others] = ranked;
    if (!best || others.length === 0) return [];
    const bestBits = bits(best);
    const rows: DifferenceRow[] = others.flatMap((e) => {
      const difference = pairedMeanDifference(bits(e), bestBits);
      return difference
        ? [{ model: e.model, estimator: e.estimate.estimator, difference, clear: excludesZero(difference) }]
        : [];
    });
    if (rows.length === 0) return [];
    return [
      {
        metric: 'bits-per-dim',
        label: 'Bits/dim',
        unit: 'bits/dim',
        dataSpace: group.dataSpace,
        best: best.model,
        bestEstimator: best.estimate.estimator,
        method: 'per-image' as const,
        n: bestBits.length,
        rows,
      },
    ];
  });
}

function mean(values: Float64Array): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
