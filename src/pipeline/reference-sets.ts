/**
 * What every model is measured against, in every feature space: the real
 * images' features (cached per space beside data.stats), the training
 * images' (for the memorisation check), and the space whose classifier gives
 * the class-based metrics. A shard takes the rows with index ≡ i (mod n); a
 * merge puts the shards' rows back in order.
 */
import type { RunConfig } from '../config/config.ts';
import type { Logger } from '../core/logger.ts';
import { pickImages } from '../core/types.ts';
import type { ImageSource } from '../data/source.ts';
import { argmaxHistogram, labelHistogram } from '../diagnostics/bundle-diagnostics.ts';
import type { Extraction } from '../features/extractor.ts';
import { referenceExtraction } from '../features/reference-cache.ts';
import { CLASS_METRICS, classifierSpace, spaceStatsFile, type FeatureSpace } from '../features/spaces.ts';
import type { SampleSet } from '../metrics/registry.ts';
import type { EvaluationContext } from './evaluate-model.ts';
import type { Partial as PartialRun } from './partial.ts';
import { interleaveExtraction, shareIndices, type Shard } from './shard.ts';
import type { Timed } from './stage-timer.ts';

export interface References {
  /** The real features per space, in config order, class probabilities included. */
  realSets: Extraction[];
  /** The training features per space, when the run embeds a training split. */
  trainSets?: SampleSet[];
  /** The space whose classifier gives the class-based metrics, "same label" and the class histograms (-1: none). */
  classIndex: number;
  /** Why no space's classifier fits the data (class-based metrics are n/a). */
  misfit?: string;
  /** The real data's labels (a shard's share) where they are that classifier's classes. */
  realLabels?: Uint8Array;
  /** The classifier's histogram of the real images: their labels where known, else its own top classes. */
  realClassHistogram?: number[];
  /** The classifier's class names, where it declares them. */
  classes?: readonly string[];
  /** The first space as the per-model stages take it: class probabilities only where its classifier is the chosen one. */
  first: { real: SampleSet; train?: SampleSet };
  /** The spaces after the first, as the per-model stages take them. */
  later: NonNullable<EvaluationContext['spaces']>;
}

export async function measureReferences(run: {
  config: RunConfig;
  spaces: FeatureSpace[];
  real: ImageSource;
  train?: ImageSource;
  metricIds: string[];
  shard?: Shard;
  partials?: PartialRun[];
  logger: Logger;
  timed: Timed;
}): Promise<References> {
  const { config, spaces, real, train, shard, partials, logger, timed } = run;
  const realShare = shard && shareIndices(real.images.n, shard);
  const trainShare = shard && train && shareIndices(train.images.n, shard);

  const realSet = async (i: number): Promise<Extraction> => {
    if (partials) return interleaveExtraction(partials.map((p) => p.real[i]!));
    const statsFile = i === 0 ? config.data.stats : spaceStatsFile(config.data.stats, spaces[i]!.id, i);
    const set = await referenceExtraction(
      real.images,
      config.data.real,
      spaces[i]!.extractor,
      config.batchSize,
      statsFile,
      realShare,
    );
    const space = i === 0 ? '' : ` (${spaces[i]!.id})`;
    logger.info(
      set.origin === 'reused'
        ? `reused the real features${space} cached in ${statsFile}`
        : `extracted features of the real images${space}${realShare ? `: this shard's ${realShare.length}` : ''}`,
    );
    return set;
  };
  const trainSet = async (i: number): Promise<SampleSet> => {
    if (partials) return { ...interleaveExtraction(partials.map((p) => p.train![i]!)), labels: train!.labels };
    if (i === 0)
      logger.info(
        `extracting features of ${trainShare ? trainShare.length : train!.images.n} training images (${config.data.train}) for the memorisation check`,
      );
    const images = trainShare ? pickImages(train!.images, trainShare) : train!.images;
    return {
      ...(await spaces[i]!.extractor.extract(images, config.batchSize)),
      labels: share(train!.labels, trainShare),
    };
  };
  const realSets: Extraction[] = [];
  const trainSets: SampleSet[] = [];
  for (const i of spaces.keys()) {
    realSets.push(await timed('features', () => realSet(i)));
    if (train) trainSets.push(await timed('features', () => trainSet(i)));
  }

  // Class-based metrics from the first space whose classifier fits the data; the
  // real data's labels only where they are that classifier's classes.
  const chosen = classifierSpace(
    spaces.map((space, i) => ({ extractor: space.extractor, extraction: realSets[i]! })),
    { source: config.data.real, classes: real.classes },
  );
  const misfit = 'misfit' in chosen ? chosen.misfit : undefined;
  if (misfit && realSets.some((set) => set.probabilities))
    logger.warn(`class-based metrics: ${misfit}; they are shown as n/a`);
  const classIndex = 'index' in chosen ? chosen.index : -1;
  const realLabels = 'index' in chosen && chosen.labels ? share(real.labels, realShare) : undefined;
  if (classIndex >= 0)
    logger.info(
      `class-based metrics: ${spaces[classIndex]!.extractor.info.name}${classIndex > 0 ? ` (space ${spaces[classIndex]!.id})` : ''}, ${realLabels ? "with the real data's labels" : "its own top class standing for each real image's label"}`,
    );
  const classifierSet = classIndex >= 0 ? realSets[classIndex] : undefined;
  // Only the chosen space's set keeps its class probabilities.
  const inSpace = (i: number): SampleSet => {
    const { features, probabilities } = realSets[i]!;
    return { features, probabilities: i === classIndex ? probabilities : undefined, labels: realLabels };
  };
  return {
    realSets,
    trainSets: train ? trainSets : undefined,
    classIndex,
    misfit,
    realLabels,
    realClassHistogram: !classifierSet?.probabilities
      ? undefined
      : realLabels
        ? labelHistogram(realLabels, classifierSet.probabilities.cols)
        : argmaxHistogram(classifierSet.probabilities),
    classes: classifierSet?.classes ?? real.classes,
    first: { real: inSpace(0), train: trainSets[0] },
    later: spaces.slice(1).map((space, j) => ({
      id: space.id,
      extractor: space.extractor,
      metricIds: run.metricIds.filter((id) => !CLASS_METRICS.includes(id)),
      real: inSpace(j + 1),
      train: trainSets[j + 1],
      classes: classIndex === j + 1,
    })),
  };
}

/** A shard's share of the labels (all of them outside a shard). */
function share(labels: Uint8Array | undefined, indices: Int32Array | undefined): Uint8Array | undefined {
  return labels && indices ? Uint8Array.from(indices, (j) => labels[j]!) : labels;
}
