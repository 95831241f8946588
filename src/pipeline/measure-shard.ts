/**
 * A shard of a split run (pipeline/shard.ts), after the shared setup: every
 * model's share of samples measured (and the fixed work of the models it
 * owns), each written into the partial as soon as it is measured, so one
 * model's images are on disk at a time; then partial.json, last.
 */
import { relative } from 'node:path';
import type { StageTiming } from '../assemble/report-data.ts';
import { modelPath, modelSamples, type RunConfig } from '../config/config.ts';
import type { BackendChoice } from '../core/backend.ts';
import type { Logger } from '../core/logger.ts';
import type { ImageSource } from '../data/source.ts';
import type { Extraction } from '../features/extractor.ts';
import type { FeatureSpace } from '../features/spaces.ts';
import { disposeBundle } from '../models/bundle.ts';
import { loadChecked, measureModel, type EvaluationContext } from './evaluate-model.ts';
import { configHash } from './merge-check.ts';
import { hashArrays, sourceHash } from './model-cache.ts';
import { evaluateOrFail } from './model-failure.ts';
import { PartialWriter } from './partial.ts';
import { ownsModel, shareIndices, type Shard } from './shard.ts';

/** The shard's models measured on its share and written into its partial, as they come. */
export async function measureShard(
  config: RunConfig,
  options: { out: string; command: string; logger: Logger },
  shard: Shard,
  context: EvaluationContext,
  run: {
    backend: BackendChoice;
    spaces: FeatureSpace[];
    real: ImageSource;
    train?: ImageSource;
    realSets: Extraction[];
    trainSets?: Extraction[];
    /** Seconds per stage so far, read when the partial is finished. */
    timings: () => StageTiming[];
    warnings: string[];
    version: string;
  },
): Promise<{ files: string[] }> {
  const { logger } = options;
  const writer = new PartialWriter(options.out);
  const bundles: (string | null)[] = [];
  const names = new Set<string>();
  try {
    for (const [index, spec] of config.models.entries()) {
      const path = modelPath(spec);
      const samples = modelSamples(spec, config.samples);
      const indices = shareIndices(samples, shard);
      const owns = ownsModel(shard, index);
      logger.info(
        `model ${index + 1}/${config.models.length}: ${relative(process.cwd(), path) || path} (${indices.length} of ${samples} samples${owns ? '; density, invertibility and truncation' : ''})`,
      );
      let hash: string | null = null;
      const result = await evaluateOrFail(async () => {
        const { bundle, model } = await loadChecked(spec, names, context);
        try {
          hash = bundle.hash;
          const measured = await measureModel(bundle, model, samples, context, { indices, fixed: owns });
          try {
            writer.model(measured);
            names.add(measured.entry.name);
          } finally {
            measured.dispose();
          }
        } finally {
          disposeBundle(bundle);
        }
      }, logger);
      bundles.push(hash);
      if ('failed' in result) writer.failed(result.failed, path);
    }
  } finally {
    for (const space of run.spaces) space.extractor.dispose();
  }
  const { real, train } = run;
  const files = writer.finish({
    shard,
    key: {
      config: configHash(config),
      seed: config.seed,
      samples: config.samples,
      version: run.version,
      code: sourceHash(),
      backend: run.backend.name,
      extractors: run.spaces.map((s) => s.extractor.info.hash),
      bundles,
      realData: hashArrays([real.images.data, real.labels]),
      trainData: train && hashArrays([train.images.data, train.labels]),
    },
    config,
    command: options.command,
    backend: run.backend,
    spaces: run.spaces.map((s) => ({ id: s.id, info: s.extractor.info })),
    // Labels stay out of the partial: merge reads them with the images.
    real: run.realSets.map(({ features, probabilities, classes }) => ({
      features,
      ...(probabilities ? { probabilities } : {}),
      ...(classes ? { classes } : {}),
    })),
    train: run.trainSets?.map(({ features, probabilities, classes }) => ({
      features,
      ...(probabilities ? { probabilities } : {}),
      ...(classes ? { classes } : {}),
    })),
    timings: run.timings(),
    warnings: run.warnings,
  });
  logger.info(`shard ${shard.index} of ${shard.count}: partial written to ${options.out}`);
  return { files };
}
