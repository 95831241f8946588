/**
 * Checks that need no model: run before any work, so that a run that cannot
 * succeed says why at once (exit 2, file and field named) rather than after
 * sampling, or as an internal error deep in a metric.
 */
import type { RunConfig } from '../config/config.ts';
import { GenreportError, type Problem } from '../core/errors.ts';
import type { ImageBatch } from '../core/types.ts';
import { PR_K, PRDC_K } from '../metrics/prdc.ts';
import { rowShortfalls, shortfallText } from '../metrics/row-needs.ts';
import type { Manifest } from '../models/manifest.ts';

const K = { prK: PR_K, prdcK: PRDC_K };

/** `samples` (or the flag that set it), each model's own `samples`, and `data.count` against what the metrics need. */
export function assertEnoughSamples(
  config: RunConfig,
  metricIds: readonly string[],
  where: { file?: string; samplesField?: string } = {},
): void {
  const shortfalls = rowShortfalls(metricIds, K, { generated: config.samples, real: config.data.count });
  const problems = shortfalls.map(
    (s): Problem => ({
      file: where.file,
      field: s.side === 'generated' ? (where.samplesField ?? 'samples') : 'data.count',
      message: shortfallText(s, 'images'),
    }),
  );
  for (const [i, spec] of config.models.entries()) {
    if (typeof spec === 'string' || spec.samples === undefined) continue;
    const [own] = rowShortfalls(metricIds, K, { generated: spec.samples });
    if (own) problems.push({ file: where.file, field: `models.${i}.samples`, message: shortfallText(own, 'images') });
  }
  if (problems.length > 0) throw new GenreportError(problems);
}

/** The real images actually found (a folder may hold fewer than data.count). */
export function assertEnoughRealImages(
  n: number,
  config: RunConfig,
  metricIds: readonly string[],
  file?: string,
): void {
  const [shortfall] = rowShortfalls(metricIds, K, { real: n });
  if (!shortfall) return;
  const field = config.data.count === undefined ? 'data.real' : 'data.count';
  throw new GenreportError({
    file,
    field,
    message: `${config.data.real} gives ${n} image${n === 1 ? '' : 's'}: ${shortfallText(shortfall, 'images')}`,
  });
}

/**
 * A model whose images differ in shape from the real ones is not compared
 * with them: features would see resized or replicated images without a word,
 * and likelihoods and reconstructions are defined only on the model's own
 * shape. Per model, because the other models may match the data. A grey vs
 * RGB difference counts the same (DESIGN: grey→RGB replication is a named
 * preprocessing step of an extractor, never silent).
 */
export function dataShapeProblems(
  image: Pick<Manifest['image'], 'height' | 'width'> & { channels: number },
  manifestFile: string,
  real: ImageBatch,
  source: string,
): Problem[] {
  const data = `${real.height}x${real.width}x${real.channels}`;
  return (['height', 'width', 'channels'] as const)
    .filter((axis) => image[axis] !== real[axis])
    .map((axis) => ({
      file: manifestFile,
      field: `image.${axis}`,
      message: `is ${image[axis]}, but the real images (${source}) are ${data}: a model is compared only with real images of its own shape`,
    }));
}
