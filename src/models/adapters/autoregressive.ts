/**
 * Autoregressive: component `model` maps images (model range) → per-pixel
 * distribution parameters [n, H, W, C·P] (likelihood.form), where pixel
 * (h, w, c)'s parameters depend only on pixels before it in raster order
 * (masked convolutions, PixelCNN). log p(x) is one pass, exact; sampling and
 * completion go pixel by pixel, one pass per pixel (over the crop the pixel
 * depends on, when the manifest declares the model's `context`).
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { currentBackend } from '../../core/backend.ts';
import { inputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { imageBatch, type ImageBatch } from '../../core/types.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages, levelsToRange } from '../../density/data-space.ts';
import type { LikelihoodEstimate } from '../../density/likelihood-estimate.ts';
import { imageLogProbabilities, LEVELS, PARAMETERS_PER_PIXEL, samplePixelLevel, type PixelForm } from '../../density/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { completeInWorkers, type SamplingBatch } from './autoregressive-workers.ts';
import { expectShape, finiteValues, requireComponent, runComponent, type GenerativeModel, type LikelihoodOptions } from '../generative-model.ts';

export class AutoregressiveModel implements GenerativeModel {
  private readonly form: PixelForm;

  constructor(readonly bundle: Bundle) {
    requireComponent(bundle, 'model');
    this.form = bundle.manifest.likelihood!.form!;
  }

  /**
   * Threads that sample in parallel: 'auto' takes one per core on the wasm
   * backend (one thread each in Node), one elsewhere (a GPU backend
   * parallelises inside each pass). Results do not depend on it.
   */
  workers: number | 'auto' = 'auto';

  async sample(n: number, rng: Rng, batchSize: number, onProgress?: (done: number) => void): Promise<ImageBatch> {
    const { height, width, channels } = this.bundle.manifest.image;
    return this.complete(imageBatch(n, height, width, channels), 0, rng, batchSize, this.bundle.manifestFile, onProgress);
  }

  /**
   * Keep rows [0, fromRow) of each image and draw the rest from the model's
   * conditionals, pixel by pixel in raster order. Images must be 8-bit.
   * Each batch draws from its own stream forked from `rng`, so batches can
   * run on worker threads in any order and give the same images.
   */
  async complete(images: ImageBatch, fromRow: number, rng: Rng, batchSize: number, source = this.bundle.manifestFile, onProgress?: (done: number) => void): Promise<ImageBatch> {
    const { height, width, channels } = this.bundle.manifest.image;
    const d = dimensionsOf(images);
    const levels = levelsFromImages(images, source);
    const batches: SamplingBatch[] = [];
    for (let start = 0; start < images.n; start += batchSize) {
      batches.push({ start, m: Math.min(batchSize, images.n - start), seed: rng.forkSeed(`batch ${start}`) });
    }
    let done = 0;
    const finished = (m: number) => onProgress?.((done += m));
    const workers = this.samplingThreads(images.n, batchSize);
    if (workers > 1) {
      await completeInWorkers(this.bundle, levels, d, fromRow, batches, workers, finished);
    } else {
      for (const { start, m, seed } of batches) {
        await this.completeBatch(levels.subarray(start * d, (start + m) * d), m, fromRow, new Rng(seed));
        finished(m);
      }
    }
    return imageBatch(images.n, height, width, channels, Float32Array.from(levels, (k) => k / (LEVELS - 1)));
  }

  /** Fill m images' 8-bit levels in place from row `fromRow` on, one model pass per pixel. */
  async completeBatch(batch: Uint8Array, m: number, fromRow: number, rng: Rng): Promise<void> {
    const { width, channels, range } = this.bundle.manifest.image;
    const p = PARAMETERS_PER_PIXEL[this.form];
    const d = batch.length / m;
    for (let position = fromRow * width * channels; position < d; position++) {
      const h = Math.floor(position / (width * channels));
      const w = Math.floor(position / channels) % width;
      const c = position % channels;
      const params = await this.pixelParameters(batch, m, h, w, c);
      for (let i = 0; i < m; i++) batch[i * d + position] = samplePixelLevel(this.form, params, i * p, range, rng);
    }
  }

  samplingThreads(n: number, batchSize: number): number {
    const wanted = this.workers === 'auto' ? (currentBackend()?.name === 'wasm' ? availableParallelism() : 1) : this.workers;
    return Math.max(1, Math.min(wanted, Math.ceil(n / batchSize)));
  }

  /**
   * Parameters of pixel (h, w, c) for each of m images. With a declared
   * context the model runs on the crop the pixel depends on (at most 7×13 of
   * 28×28 positions for the sample PixelCNN); its conditional there is the
   * same as on the whole image, because every tap it reads lies inside the
   * crop or beyond the image's own edge.
   */
  private async pixelParameters(levels: Uint8Array, m: number, h: number, w: number, c: number): Promise<Float32Array> {
    const p = PARAMETERS_PER_PIXEL[this.form];
    const crop = this.cropAround(h, w);
    const output = tf.tidy(() => this.runOnCrop(levels, m, crop));
    try {
      const pixel = tf.tidy(() => tf.slice(output, [0, h - crop.top, w - crop.left, c * p], [m, 1, 1, p]));
      try {
        return await finiteValues(pixel, this.bundle, 'model');
      } finally {
        pixel.dispose();
      }
    } finally {
      output.dispose();
    }
  }

  /** The window of the image pixel (h, w) depends on: the declared context, or the whole image. */
  private cropAround(h: number, w: number): Crop {
    const { height, width } = this.bundle.manifest.image;
    const context = this.bundle.manifest.context;
    if (!context) return { top: 0, left: 0, rows: height, columns: width };
    const top = Math.max(0, h - context.rowsAbove);
    const left = Math.max(0, w - context.columnsLeft);
    const right = Math.min(width - 1, w + context.columnsRight);
    return { top, left, rows: h - top + 1, columns: right - left + 1 };
  }

  private runOnCrop(levels: Uint8Array, m: number, crop: Crop): tf.Tensor {
    const { height, width, channels, range } = this.bundle.manifest.image;
    if (crop.rows === height && crop.columns === width) return this.run(levelsToRange(levels, range), m);
    const rowLength = crop.columns * channels;
    const cropped = new Uint8Array(m * crop.rows * rowLength);
    for (let i = 0; i < m; i++) {
      for (let r = 0; r < crop.rows; r++) {
        const from = ((i * height + crop.top + r) * width + crop.left) * channels;
        cropped.set(levels.subarray(from, from + rowLength), (i * crop.rows + r) * rowLength);
      }
    }
    const input = tf.tensor4d(levelsToRange(cropped, range), [m, crop.rows, crop.columns, channels]);
    const model = requireComponent(this.bundle, 'model');
    let output: tf.Tensor;
    try {
      // predict() insists on the declared input size; apply() runs a fully convolutional model on any.
      output = (model instanceof tf.LayersModel ? model.apply(input) : model.execute(input)) as tf.Tensor;
    } catch (e) {
      throw inputError(this.bundle.manifestFile, `the model cannot run on a ${crop.rows}x${crop.columns} crop (${(e as Error).message}); remove the context to sample from whole images`, 'context');
    }
    const p = PARAMETERS_PER_PIXEL[this.form];
    expectShape(output, [m, crop.rows, crop.columns, channels * p], this.bundle, 'model', `a ${crop.rows}x${crop.columns} crop (manifest context)`);
    return output;
  }

  /** Exact log p(x) = Σ log p(x_i | x_<i), one pass per batch. */
  async logLikelihood(images: ImageBatch, options: LikelihoodOptions): Promise<LikelihoodEstimate[]> {
    const { batchSize, source } = options;
    const { range } = this.bundle.manifest.image;
    const started = performance.now();
    const d = dimensionsOf(images);
    const levels = levelsFromImages(images, source);
    const logLikelihoods = new Float64Array(images.n);
    for (let start = 0; start < images.n; start += batchSize) {
      const m = Math.min(batchSize, images.n - start);
      const batch = levels.subarray(start * d, (start + m) * d);
      const output = tf.tidy(() => this.run(levelsToRange(batch, range), m));
      try {
        const params = await finiteValues(output, this.bundle, 'model');
        logLikelihoods.set(imageLogProbabilities(this.form, params, batch, m, range), start);
      } finally {
        output.dispose();
      }
    }
    return [
      {
        estimator: 'exact',
        kind: 'exact',
        samples: 1,
        dataSpace: dataSpaceOf(images),
        logLikelihoods,
        secondsPerImage: (performance.now() - started) / 1000 / images.n,
        label: `exact: sum of the ${this.form} conditionals, one pass`,
      },
    ];
  }

  /** The model's parameters for a batch, shape-checked against the manifest and form. */
  private run(values: Float32Array, m: number): tf.Tensor {
    const { height, width, channels } = this.bundle.manifest.image;
    const p = PARAMETERS_PER_PIXEL[this.form];
    const output = runComponent(requireComponent(this.bundle, 'model'), tf.tensor4d(values, [m, height, width, channels]));
    expectShape(output, [m, height, width, channels * p], this.bundle, 'model', `likelihood.form "${this.form}" (${p} parameters per pixel)`);
    return output;
  }
}

/** A window of the image: first row and column, and its size. */
interface Crop {
  top: number;
  left: number;
  rows: number;
  columns: number;
}
