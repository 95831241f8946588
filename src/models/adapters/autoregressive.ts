/**
 * Autoregressive: the bundle's network maps images (model range) → per-pixel
 * distribution parameters [n, H, W, C·P] (likelihood.form), where pixel
 * (h, w, c)'s parameters depend only on pixels before it in raster order
 * (masked convolutions, PixelCNN). log p(x) is one pass, exact; sampling and
 * completion go pixel by pixel (autoregressive-networks.ts: one component
 * `model`, or `above` + `row` for sampling that reuses each row's context).
 */
import { availableParallelism } from 'node:os';
import { currentBackend } from '../../core/backend.ts';
import { Rng } from '../../core/rng.ts';
import { imageBatch, type ImageBatch } from '../../core/types.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages, levelsToRange } from '../../likelihood/data-space.ts';
import type { LikelihoodEstimate } from '../../likelihood/likelihood-estimate.ts';
import {
  imageLogProbabilities,
  LEVELS,
  PARAMETERS_PER_PIXEL,
  samplePixelLevel,
  type PixelForm,
} from '../../likelihood/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { conditionalNetwork, type ConditionalNetwork } from './autoregressive-networks.ts';
import { completeInWorkers, type SamplingBatch } from './autoregressive-workers.ts';
import { checkCausality } from './causality-check.ts';
import type { GenerativeModel, LikelihoodCapability, LikelihoodOptions } from '../generative-model.ts';

export class AutoregressiveModel implements GenerativeModel {
  private readonly form: PixelForm;
  private readonly network: ConditionalNetwork;
  /** Σ log p(x_i | x_<i) in one pass, after the causality check. */
  readonly likelihood: LikelihoodCapability = {
    kind: 'exact',
    draws: 'none',
    logLikelihood: (images, options) => this.logLikelihood(images, options),
  };

  constructor(readonly bundle: Bundle) {
    this.form = bundle.manifest.likelihood!.form!;
    this.network = conditionalNetwork(bundle, this.form);
  }

  /**
   * Threads that sample in parallel: 'auto' takes one per core on the wasm
   * backend (one thread each in Node), one elsewhere (a GPU backend
   * parallelises inside each pass). Results do not depend on it.
   */
  workers: number | 'auto' = 'auto';

  async sample(
    n: number,
    rng: Rng,
    batchSize: number,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch> {
    const { height, width, channels } = this.bundle.manifest.image;
    return this.complete(
      imageBatch(indices ? indices.length : n, height, width, channels),
      0,
      rng,
      batchSize,
      this.bundle.manifestFile,
      onProgress,
      indices,
    );
  }

  /**
   * Keep rows [0, fromRow) of each image and draw the rest from the model's
   * conditionals, pixel by pixel in raster order. Images must be 8-bit.
   * Each image draws from its own stream, forked from `rng` by its global
   * index (`indices[k]` for image k, else k), so an image does not depend on
   * the batch it lands in: batches can run on worker threads in any order,
   * with any batch size, or on another machine (a shard), and give the same images.
   */
  async complete(
    images: ImageBatch,
    fromRow: number,
    rng: Rng,
    batchSize: number,
    source = this.bundle.manifestFile,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch> {
    const { height, width, channels } = this.bundle.manifest.image;
    const d = dimensionsOf(images);
    const levels = levelsFromImages(images, source);
    const batches: SamplingBatch[] = [];
    for (let start = 0; start < images.n; start += batchSize) {
      const m = Math.min(batchSize, images.n - start);
      batches.push({
        start,
        m,
        seeds: Array.from({ length: m }, (_, k) => rng.forkSeed(`image ${indices ? indices[start + k] : start + k}`)),
      });
    }
    let done = 0;
    const finished = (m: number) => {
      done += m;
      onProgress?.(done);
    };
    const workers = this.samplingThreads(images.n, batchSize);
    if (workers > 1) {
      await completeInWorkers(this.bundle, levels, d, fromRow, batches, workers, finished);
    } else {
      for (const { start, m, seeds } of batches) {
        await this.completeBatch(
          levels.subarray(start * d, (start + m) * d),
          m,
          fromRow,
          seeds.map((seed) => new Rng(seed)),
        );
        finished(m);
      }
    }
    return imageBatch(
      images.n,
      height,
      width,
      channels,
      Float32Array.from(levels, (k) => k / (LEVELS - 1)),
    );
  }

  /** Fill m images' 8-bit levels in place from row `fromRow` on, pixel by pixel; image i draws from `rngs[i]`. */
  async completeBatch(batch: Uint8Array, m: number, fromRow: number, rngs: Rng[]): Promise<void> {
    const { height, width, channels, range } = this.bundle.manifest.image;
    const p = PARAMETERS_PER_PIXEL[this.form];
    const d = batch.length / m;
    for (let h = fromRow; h < height; h++) {
      const row = await this.network.forRow(batch, m, h);
      try {
        for (let w = 0; w < width; w++) {
          for (let c = 0; c < channels; c++) {
            const params = await row.pixel(w, c);
            const position = (h * width + w) * channels + c;
            for (let i = 0; i < m; i++)
              batch[i * d + position] = samplePixelLevel(this.form, params, i * p, range, rngs[i]!);
          }
        }
      } finally {
        row.dispose();
      }
    }
  }

  samplingThreads(n: number, batchSize: number): number {
    // onnxruntime already runs each pass on every core.
    if (this.bundle.runnable.model?.runtime === 'onnx') return 1;
    const wanted =
      this.workers === 'auto' ? (currentBackend()?.name === 'wasm' ? availableParallelism() : 1) : this.workers;
    return Math.max(1, Math.min(wanted, Math.ceil(n / batchSize)));
  }

  /** Every pixel's parameters [m, H, W, C·P] for m images of 8-bit levels. */
  private parameters(levels: Uint8Array, m: number): Promise<Float32Array> {
    return this.network.parameters(levelsToRange(levels, this.bundle.manifest.image.range), m);
  }

  /** Exact log p(x) = Σ log p(x_i | x_<i), one pass per batch. */
  async logLikelihood(images: ImageBatch, options: LikelihoodOptions): Promise<LikelihoodEstimate[]> {
    const { batchSize, source } = options;
    const { range } = this.bundle.manifest.image;
    const started = performance.now();
    const d = dimensionsOf(images);
    const levels = levelsFromImages(images, source);
    const logLikelihoods = new Float64Array(images.n);
    // No exact likelihood from a model whose conditionals see their own or later pixels.
    const checked = await checkCausality(
      levels,
      images.n,
      PARAMETERS_PER_PIXEL[this.form],
      (batch, m) => this.parameters(batch, m),
      {
        manifestFile: this.bundle.manifestFile,
        component: this.network.output === 'row' ? 'row' : 'model',
        image: this.bundle.manifest.image,
      },
    );
    for (let start = 0; start < images.n; start += batchSize) {
      const m = Math.min(batchSize, images.n - start);
      const batch = levels.subarray(start * d, (start + m) * d);
      const params = await this.parameters(batch, m);
      logLikelihoods.set(imageLogProbabilities(this.form, params, batch, m, range), start);
    }
    return [
      {
        estimator: 'exact',
        kind: 'exact',
        samples: 1,
        dataSpace: dataSpaceOf(images),
        logLikelihoods,
        secondsPerImage: (performance.now() - started) / 1000 / images.n,
        label: `exact: sum of the ${this.form} conditionals, one pass (causality checked: ${checked.pixels} single-pixel changes in ${checked.images} image${checked.images === 1 ? '' : 's'} moved no earlier conditional)`,
      },
    ];
  }
}
