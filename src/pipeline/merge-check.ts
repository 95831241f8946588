/**
 * What `genreport merge` checks and puts together (pipeline/partial.ts):
 * that the partials are every shard of one run once, that the merge machine
 * has the shards' extractors and data, and each model's shares back in
 * global order, checked against the statistics each shard wrote.
 */
import { dirname, relative } from 'node:path';
import type { RunConfig } from '../config/config.ts';
import { GenreportError, inputError } from '../core/errors.ts';
import type { FeatureMatrix } from '../core/types.ts';
import type { ImageSource } from '../data/source.ts';
import type { FeatureSpace } from '../features/spaces.ts';
import type { ModelMeasurement } from './evaluate-model.ts';
import { GRID_SAMPLES } from './image-grids.ts';
import { hashArrays, valueHash } from './model-cache.ts';
import type { Partial as PartialRun, PartialKey, PartialModel, ShareStats } from './partial.ts';
import { interleavedImages, interleaveExtraction } from './shard.ts';

/** Sorted by shard index; refused (exit 2, the file and field named) unless they are every shard of one run, once each. */
export function checkPartials(partials: (PartialRun & { file: string })[]): (PartialRun & { file: string })[] {
  if (partials.length === 0)
    throw new GenreportError({
      field: 'usage',
      message: 'merge needs the partial folders, e.g. genreport merge part-*/ --out report/',
    });
  const first = partials[0]!;
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const p of partials) {
    if (p.shard.count !== count)
      throw inputError(
        p.file,
        `is shard ${p.shard.index} of ${p.shard.count}, but ${first.file} is of ${count}: all partials of one run have the same --shard count`,
        'shard.count',
      );
    const twice = seen.get(p.shard.index);
    if (twice)
      throw inputError(
        p.file,
        `is shard ${p.shard.index} of ${count}, as is ${twice}: give each shard once`,
        'shard.index',
      );
    seen.set(p.shard.index, p.file);
    for (const field of Object.keys(KEY_WORDS) as (keyof PartialKey)[]) {
      if (JSON.stringify(p.key[field]) !== JSON.stringify(first.key[field])) {
        throw inputError(
          p.file,
          `${KEY_WORDS[field]} differs from ${first.file}'s (${JSON.stringify(p.key[field])} vs ${JSON.stringify(first.key[field])}): these partials come from different runs`,
          `key.${field}`,
        );
      }
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    const have = [...seen.entries()].sort(([a], [b]) => a - b);
    throw new GenreportError({
      field: 'merge',
      message: `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} ${missing.length > 1 ? 'are' : 'is'} missing (have ${have.map(([i, file]) => `${i}: ${dirname(file)}`).join(', ')}): run genreport run <config> --shard ${missing[0]}/${count} --out <folder> and merge again with it`,
    });
  }
  return [...partials].sort((a, b) => a.shard.index - b.shard.index);
}

const KEY_WORDS: Record<keyof PartialKey, string> = {
  config: 'the config hash',
  seed: 'the seed',
  samples: 'the sample count',
  version: "genreport's version",
  code: "genreport's source hash",
  backend: 'the backend',
  extractors: 'the extractor weights',
  bundles: 'the model bundles',
  realData: 'the real images',
  trainData: 'the training images',
};

/** The merge machine's extractors and real (and training) images must be the ones the shards measured. */
export function assertSameInputs(
  partial: PartialRun & { file: string },
  here: { spaces: FeatureSpace[]; real: ImageSource; train?: ImageSource },
): void {
  const extractors = here.spaces.map((s) => s.extractor.info.hash);
  if (JSON.stringify(extractors) !== JSON.stringify(partial.key.extractors)) {
    throw inputError(
      partial.file,
      `the shards' extractor weights (${partial.key.extractors.join(', ')}) are not the ones loaded here (${extractors.join(', ')}): merge where the extractors are the same`,
      'key.extractors',
    );
  }
  const data: [ImageSource | undefined, string | undefined, string][] = [
    [here.real, partial.key.realData, 'key.realData'],
    [here.train, partial.key.trainData, 'key.trainData'],
  ];
  for (const [source, hash, field] of data) {
    if (source && hashArrays([source.images.data, source.labels]) !== hash) {
      throw inputError(
        partial.file,
        `the shards measured other images than the ${source.images.n} read here: merge where the data is the same`,
        field,
      );
    }
  }
}

/**
 * Model `index` of a merged run: the shards' features and images put back in
 * global order, the owning shard's fixed work, checked against each shard's
 * statistics (a swapped or damaged features file stops the merge, naming the
 * shard). A model that failed in any shard failed.
 */
export function mergedMeasurement(
  partials: (PartialRun & { file: string })[],
  index: number,
  path: string,
  spaces: FeatureSpace[],
): ModelMeasurement | { failed: string } {
  const failed = partials.find((p) => 'failed' in p.models[index]!);
  if (failed)
    return {
      failed: `${(failed.models[index] as { failed: string }).failed} (shard ${failed.shard.index}, ${failed.file})`,
    };
  const shares = partials.map((p) => p.models[index] as Extract<PartialModel, { measurement: unknown }>);
  const owner = shares[index % partials.length]!.measurement;
  const what = (s: number) => `${relative(process.cwd(), path) || path}, space ${spaces[s]!.id}`;
  // Row counts first: shares of other lengths would interleave into other rows.
  for (const [k, { measurement, stats }] of shares.entries()) {
    for (const [s, e] of measurement.generated.extractions.entries()) {
      if (e.features.rows !== stats[s]!.n) {
        throw inputError(
          partials[k]!.file,
          `${what(s)}: shard ${k}'s features have ${e.features.rows} rows, the statistics written with them ${stats[s]!.n}; rerun that shard`,
          'models',
        );
      }
    }
  }
  const images = interleavedImages(shares.map((m) => m.measurement.generated.images));
  const extractions = owner.generated.extractions.map((_, s) =>
    interleaveExtraction(shares.map((m) => m.measurement.generated.extractions[s]!)),
  );
  extractions.forEach((e, s) =>
    assertStatsMatch(
      e.features,
      shares.map((m) => m.stats[s]!),
      partials,
      what(s),
    ),
  );
  return {
    ...owner,
    sampleSeconds: shares.reduce((sum, m) => sum + m.measurement.sampleSeconds, 0),
    threads: Math.max(...shares.map((m) => m.measurement.threads)),
    generated: {
      n: images.n,
      extractions,
      head: images.read(Array.from({ length: Math.min(GRID_SAMPLES, images.n) }, (_, i) => i)),
      images,
    },
  };
}

/** Each shard's float64 statistics must describe its rows of the merged features: a swapped or damaged features file does not. */
function assertStatsMatch(
  features: FeatureMatrix,
  stats: ShareStats[],
  partials: { file: string }[],
  what: string,
): void {
  const count = stats.length;
  const d = features.cols;
  const n = stats.reduce((s, st) => s + st.n, 0);
  if (n !== features.rows)
    throw inputError(
      partials[0]!.file,
      `${what}: the statistics count ${n} rows, the features ${features.rows}`,
      'models',
    );
  for (const [k, st] of stats.entries()) {
    const mean = new Float64Array(d);
    let rows = 0;
    for (let i = k; i < features.rows; i += count, rows++)
      for (let j = 0; j < d; j++) mean[j]! += features.data[i * d + j]!;
    let worst = 0;
    for (let j = 0; j < d; j++)
      worst = Math.max(
        worst,
        Math.abs(mean[j]! / Math.max(rows, 1) - st.mean[j]!) / Math.max(Math.abs(st.mean[j]!), 1e-12),
      );
    if (rows !== st.n || worst > 1e-9) {
      throw inputError(
        partials[k]!.file,
        `${what}: shard ${k}'s features do not match the statistics written with them (${rows !== st.n ? `${rows} rows, statistics of ${st.n}` : `relative difference ${worst.toExponential(2)}`}); rerun that shard`,
        'models',
      );
    }
  }
}

/** sha256 of the config all shards must share: everything but `output`, which merge may override. */
export function configHash(config: RunConfig): string {
  const { output: _output, ...measured } = config;
  return valueHash(measured);
}
