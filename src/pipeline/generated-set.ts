/**
 * Sampling and feature extraction as one stream (issue 26): each batch of
 * generated images goes through every feature space and is then let go, so
 * memory holds the features (n × d per space), float64 sufficient statistics
 * accumulated as they arrive, the first GRID_SAMPLES images for the samples
 * grid, and one batch; never all n images. Every image is also appended to
 * a temporary file (core/image-spill.ts) from which the few a report shows
 * later (neighbour and memorisation pairs) are read back.
 *
 * Batches are the model's batches (multiples of batchSize), and each is
 * extracted whole, so the extractor sees the same batches as it would on all
 * n images at once: the features are the same to the bit.
 */
import type { Rng } from '../core/rng.ts';
import { ImageSpill } from '../core/image-spill.ts';
import { featureMatrix, imageBatch, type FeatureMatrix, type ImageBatch } from '../core/types.ts';
import type { Extraction, FeatureExtractor } from '../features/extractor.ts';
import { SufficientStats } from '../metrics/stats/sufficient-stats.ts';
import { concatImages, type GenerativeModel } from '../models/generative-model.ts';
import { sampleStream } from '../sample/sample-stream.ts';
import { GRID_SAMPLES } from './image-grids.ts';
import type { Timed } from './stage-timer.ts';

export interface GeneratedSet {
  /** The images made: n, or a share's count. */
  n: number;
  /** One per extractor, in the order given. */
  extractions: Extraction[];
  /** Count, sum and outer products of each extraction's features, accumulated batch by batch. */
  moments: SufficientStats[];
  /** The first GRID_SAMPLES images. */
  head: ImageBatch;
  /** All n images, on disk; `dispose()` deletes them. */
  images: ImageSpill;
  /** Seconds spent sampling alone (extraction excluded). */
  sampleSeconds: number;
}

export async function sampleAndExtract(
  model: GenerativeModel,
  n: number,
  rng: Rng,
  batchSize: number,
  extractors: readonly FeatureExtractor[],
  timed: Timed,
  hooks: {
    /** Sees the first batch before any extractor does (a shape check that should fail first). */
    checkFirst?: (batch: ImageBatch) => void;
    onProgress?: (done: number) => void;
  } = {},
  /** A share of a run split across machines: only these global indices (ascending), each the image a whole run gives there. */
  indices?: ArrayLike<number>,
): Promise<GeneratedSet> {
  const count = indices ? indices.length : n;
  const images = new ImageSpill();
  try {
    const collected = extractors.map(() => new ExtractionRows(count));
    const headParts: ImageBatch[] = [];
    let headCount = 0;
    let done = 0;
    let sampleSeconds = 0;
    const stream = sampleStream(model, n, rng, batchSize, indices);
    for (;;) {
      const started = performance.now();
      const next = await timed('sample', () => stream.next());
      sampleSeconds += (performance.now() - started) / 1000;
      if (next.done) break;
      const batch = next.value;
      if (done === 0) hooks.checkFirst?.(batch);
      images.append(batch);
      if (headCount < GRID_SAMPLES) {
        const keep = Math.min(batch.n, GRID_SAMPLES - headCount);
        headParts.push(
          keep === batch.n
            ? batch
            : imageBatch(
                keep,
                batch.height,
                batch.width,
                batch.channels,
                batch.data.slice(0, keep * batch.height * batch.width * batch.channels),
              ),
        );
        headCount += keep;
      }
      for (const [i, extractor] of extractors.entries()) {
        const extraction = await timed('features', () => extractor.extract(batch, batchSize));
        collected[i]!.add(extraction, done);
      }
      done += batch.n;
      hooks.onProgress?.(done);
    }
    if (done !== count) throw new Error(`sampling gave ${done} images where ${count} were asked for`);
    return {
      n: count,
      extractions: collected.map((c) => c.result()),
      moments: collected.map((c) => c.moments!),
      head: concatImages(headParts),
      images,
      sampleSeconds,
    };
  } catch (e) {
    images.dispose();
    throw e;
  }
}

/** One extractor's rows, written in place as batches arrive. */
class ExtractionRows {
  features: FeatureMatrix | null = null;
  probabilities: FeatureMatrix | null = null;
  classes?: string[];
  moments: SufficientStats | null = null;

  constructor(private readonly n: number) {}

  add(batch: Extraction, offset: number): void {
    this.features ??= featureMatrix(this.n, batch.features.cols);
    this.features.data.set(batch.features.data, offset * batch.features.cols);
    this.moments ??= new SufficientStats(batch.features.cols);
    this.moments.add(batch.features);
    if (batch.probabilities) {
      this.probabilities ??= featureMatrix(this.n, batch.probabilities.cols);
      this.probabilities.data.set(batch.probabilities.data, offset * batch.probabilities.cols);
    }
    this.classes ??= batch.classes;
  }

  result(): Extraction {
    return {
      features: this.features!,
      ...(this.probabilities ? { probabilities: this.probabilities } : {}),
      ...(this.classes ? { classes: this.classes } : {}),
    };
  }
}
