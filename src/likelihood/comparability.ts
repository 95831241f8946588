/**
 * Which likelihood estimates may be ranked together: those on the same data
 * space that are real likelihoods or bounds. Everything else is set apart
 * with the reason, so the report can say why a model is not in the ranking.
 */
import type { LikelihoodEstimate } from './likelihood-estimate.ts';

export interface RankedEntry {
  model: string;
  estimate: LikelihoodEstimate;
}

export interface ComparabilityGroup {
  dataSpace: string;
  entries: RankedEntry[];
}

export interface SetApart {
  model: string;
  estimate: LikelihoodEstimate;
  reason: string;
}

export interface Comparability {
  groups: ComparabilityGroup[];
  apart: SetApart[];
}

/**
 * Groups by data space, largest group first (ties: first seen). An estimate
 * alone in its data space is set apart: there is nothing to rank it against.
 */
export function groupByDataSpace(entries: readonly RankedEntry[]): Comparability {
  const apart: SetApart[] = [];
  const bySpace = new Map<string, RankedEntry[]>();
  for (const entry of entries) {
    if (entry.estimate.kind === 'unreliable') {
      apart.push({
        ...entry,
        reason: 'a Parzen-window estimate is not a likelihood (Theis et al. 2016); shown for reference, never ranked',
      });
      continue;
    }
    const list = bySpace.get(entry.estimate.dataSpace) ?? [];
    list.push(entry);
    bySpace.set(entry.estimate.dataSpace, list);
  }
  const spaces = [...bySpace.entries()].sort((a, b) => b[1].length - a[1].length);
  const groups: ComparabilityGroup[] = [];
  for (const [dataSpace, list] of spaces) {
    const models = new Set(list.map((e) => e.model));
    if (models.size > 1) {
      groups.push({ dataSpace, entries: list });
      continue;
    }
    const others = spaces.filter(([s]) => s !== dataSpace).map(([s]) => s);
    for (const entry of list) {
      apart.push({
        ...entry,
        reason: `its likelihood is on ${dataSpace}${others.length ? `, the others on ${others.join(', ')}` : ''}: probabilities on different data spaces are not comparable`,
      });
    }
  }
  return { groups, apart };
}
