/**
 * `import { computeMetrics, featureMatrix } from 'genreport/metrics'`: the
 * metric registry on feature arrays (n × d, row-major, float64), with the
 * same conventions as `genreport metrics`.
 */
export { featureMatrix, type FeatureMatrix } from '../core/types.ts';
export { readFeatureFile } from '../metrics/feature-files.ts';
export { fidFromFeatures, fidFromStats } from '../metrics/fid.ts';
export { statsFromFeatures, type FeatureStats } from '../metrics/stats/moments.ts';
export {
  computeMetrics,
  DEFAULT_METRIC_OPTIONS,
  isNotApplicable,
  metricInfo,
  METRICS,
  type MetricOptions,
  type MetricResult,
  type MetricSpec,
  type SampleSet,
} from '../metrics/registry.ts';
