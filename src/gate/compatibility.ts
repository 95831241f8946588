/**
 * Two reports compare only when their numbers mean the same thing: the same
 * models, measured against the same real data, in the same feature space
 * (extractor, layer, size, weights), with each metric pointing the same way.
 * Bundle hashes may differ: a new bundle is what a release is.
 *
 * Sample count and seed are softer: the numbers still mean the same thing,
 * but part of any change comes from them, not the model. They are warnings
 * (comparabilityWarnings), refused only with --strict.
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
  const dataset = (d: ReportData) =>
    `${d.dataset.name} ${d.dataset.split}, ${d.dataset.count} images of ${d.dataset.shape.join('×')}`;
  if (dataset(current) !== dataset(baseline)) {
    reasons.push(`different real data (current: ${dataset(current)}; baseline: ${dataset(baseline)})`);
  }
  const space = (d: ReportData) =>
    `${d.extractor.id} ${d.extractor.hash.slice(0, 12)}, layer "${d.extractor.layer}", ${d.extractor.dim}-d`;
  const sameSpace = (['id', 'hash', 'layer', 'dim'] as const).every(
    (k) => current.extractor[k] === baseline.extractor[k],
  );
  if (!sameSpace) {
    reasons.push(`different feature space (current: ${space(current)}; baseline: ${space(baseline)})`);
  }
  // Later spaces (metric ids <id>@<space>): the same space id must mean the same extractor.
  for (const later of current.extractors?.slice(1) ?? []) {
    const before = baseline.extractors?.find((e) => e.space === later.space);
    const sameLater = before && (['id', 'hash', 'layer', 'dim'] as const).every((k) => later[k] === before[k]);
    if (before && !sameLater) {
      const describe = (e: typeof later) => `${e.id} ${e.hash.slice(0, 12)}, layer "${e.layer}", ${e.dim}-d`;
      reasons.push(
        `different feature space ${later.space} (current: ${describe(later)}; baseline: ${describe(before)})`,
      );
    }
  }
  for (const metric of current.metrics) {
    const before = baseline.metrics.find((m) => m.id === metric.id);
    if (before && before.direction !== metric.direction) {
      reasons.push(`metric ${metric.id} is ${metric.direction}-is-better now but was ${before.direction}-is-better`);
    }
  }
  return reasons;
}

/**
 * Differences that leave the numbers comparable but move them: FID, KID and
 * the k-NN metrics depend on how many samples were drawn (FID is biased
 * upwards at small n), and another seed draws other latents, subsets and
 * resamples. Empty when run.samples and run.seed agree.
 */
export function comparabilityWarnings(current: ReportData, baseline: ReportData): string[] {
  const warnings: string[] = [];
  if (current.run.samples !== baseline.run.samples) {
    warnings.push(
      `different sample counts (current: ${current.run.samples} generated images per model; baseline: ${baseline.run.samples}): FID and the k-NN metrics are biased by the count (FID upwards at small n), so part of any change comes from it; compare runs with equal --samples`,
    );
  }
  if (current.run.seed !== baseline.run.seed) {
    warnings.push(
      `different seeds (current: ${current.run.seed}; baseline: ${baseline.run.seed}): other latents, subsets and resamples, so part of any change is sampling noise; a gate compares runs with the same seed`,
    );
  }
  return warnings;
}
