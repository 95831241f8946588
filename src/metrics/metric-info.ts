/** What a metric is, as the registry declares it and the report shows it. */

/** Which way is better: lower, higher, or nearest to one (spread ratios). */
export type Direction = 'lower' | 'higher' | 'near-one';

export interface MetricInfo {
  id: string;
  label: string;
  unit: string;
  direction: Direction;
  definition: string;
  reference: string;
  /** The feature space (its id in ReportData.extractors) a distance metric was computed in; absent: the first space, or not a feature metric. */
  space?: string;
}
