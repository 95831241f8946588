/**
 * Two reports compare only when their numbers mean the same thing: the same
 * models, measured against the same real data, through the same extractor,
 * with each metric pointing the same way. Bundle hashes may differ: a new
 * bundle is what a release is.
 */
import type { ReportData } from '../assemble/report-data.ts';

/** Every reason the two reports do not compare; empty when they do. */
export function incompatibilities(current: ReportData, baseline: ReportData): string[] {
  const reasons: string[] = [];
  const names = (d: ReportData) => d.models.map((m) => m.name);
  const onlyCurrent = names(current).filter((n) => !names(baseline).includes(n));
  const onlyBaseline = names(baseline).filter((n) => !names(current).includes(n));
  if (onlyCurrent.length > 0 || onlyBaseline.length > 0) {
    const parts = [
      onlyBaseline.length > 0 ? `missing from current: ${onlyBaseline.join(', ')}` : '',
      onlyCurrent.length > 0 ? `not in baseline: ${onlyCurrent.join(', ')}` : '',
    ].filter(Boolean);
    reasons.push(`different models (${parts.join('; ')})`);
  }
  const dataset = (d: ReportData) => `${d.dataset.name} ${d.dataset.split}, ${d.dataset.count} images of ${d.dataset.shape.join('×')}`;
  if (dataset(current) !== dataset(baseline)) {
    reasons.push(`different real data (current: ${dataset(current)}; baseline: ${dataset(baseline)})`);
  }
  if (current.extractor.id !== baseline.extractor.id || current.extractor.hash !== baseline.extractor.hash) {
    const extractor = (d: ReportData) => `${d.extractor.id} ${d.extractor.hash.slice(0, 12)}`;
    reasons.push(`different feature extractor (current: ${extractor(current)}; baseline: ${extractor(baseline)})`);
  }
  for (const metric of current.metrics) {
    const before = baseline.metrics.find((m) => m.id === metric.id);
    if (before && before.direction !== metric.direction) {
      reasons.push(`metric ${metric.id} is ${metric.direction}-is-better now but was ${before.direction}-is-better`);
    }
  }
  return reasons;
}
