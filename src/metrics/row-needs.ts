/**
 * How many rows each metric needs on each side, so that too few real or
 * generated images are refused as bad input before any work, naming the metric,
 * instead of failing deep inside a kernel: a covariance needs 2 rows, a k-th
 * neighbour radius needs k + 1 (the point itself is its nearest).
 */
import type { MetricOptions } from './registry.ts';

export type Side = 'real' | 'generated';

export interface RowNeed {
  metric: string;
  side: Side;
  rows: number;
  why: string;
}

export interface RowShortfall extends RowNeed {
  have: number;
}

const PRDC_IDS = ['precision', 'recall', 'f1', 'density', 'coverage'];

/** The needs of the metrics asked for, the largest per side first. */
export function rowNeeds(ids: readonly string[], options: Pick<MetricOptions, 'prK' | 'prdcK'>): RowNeed[] {
  const needs: RowNeed[] = [];
  const both = (metric: string, rows: number, why: string) =>
    needs.push({ metric, side: 'real', rows, why }, { metric, side: 'generated', rows, why });
  if (ids.includes('fid')) both('fid', 2, 'a covariance needs 2 rows');
  if (ids.includes('kid')) both('kid', 2, 'an unbiased MMD needs 2 rows per subset');
  if (ids.includes('pairwise-distance-ratio')) both('pairwise-distance-ratio', 2, 'a distance needs 2 rows');
  const prdc = ids.filter((id) => PRDC_IDS.includes(id));
  if (prdc.length > 0) {
    // One k-NN pass computes all five: real radii at both k, generated radii at the precision/recall k.
    const realK = Math.max(options.prK, options.prdcK);
    const name = prdc.join('/');
    needs.push(
      {
        metric: name,
        side: 'real',
        rows: realK + 1,
        why: `a k-th neighbour radius with k = ${realK} needs k + 1 rows`,
      },
      {
        metric: name,
        side: 'generated',
        rows: options.prK + 1,
        why: `a k-th neighbour radius with k = ${options.prK} needs k + 1 rows`,
      },
    );
  }
  return needs.sort((a, b) => b.rows - a.rows);
}

/** Needs that `have` rows do not meet, one per side at most (the largest). */
export function rowShortfalls(
  ids: readonly string[],
  options: Pick<MetricOptions, 'prK' | 'prdcK'>,
  have: Partial<Record<Side, number>>,
): RowShortfall[] {
  const out: RowShortfall[] = [];
  for (const side of ['real', 'generated'] as const) {
    const n = have[side];
    if (n === undefined) continue;
    const need = rowNeeds(ids, options).find((r) => r.side === side && r.rows > n);
    if (need) out.push({ ...need, have: n });
  }
  return out;
}

/** "fid needs at least 2 generated images (a covariance needs 2 rows)". */
export function shortfallText(s: RowShortfall, unit: string): string {
  return `${s.metric} needs at least ${s.rows} ${s.side} ${unit} (${s.why}), got ${s.have}`;
}
