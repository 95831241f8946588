/**
 * Autoregressive: component `model` maps images (model range) → per-pixel
 * distribution parameters [n, H, W, C·P] (likelihood.form), where pixel
 * (h, w, c)'s parameters depend only on pixels before it in raster order
 * (masked convolutions, PixelCNN). log p(x) is one pass, exact; sampling and
 * completion go pixel by pixel, one pass per pixel.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng.ts';
import { imageBatch, type ImageBatch } from '../../core/types.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages, levelsToRange } from '../../density/data-space.ts';
import type { LikelihoodEstimate } from '../../density/likelihood-estimate.ts';
import { imageLogProbabilities, LEVELS, PARAMETERS_PER_PIXEL, samplePixelLevel, type PixelForm } from '../../density/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { expectShape, finiteValues, requireComponent, runComponent, type GenerativeModel, type LikelihoodOptions } from '../generative-model.ts';

export class AutoregressiveModel implements GenerativeModel {
  private readonly form: PixelForm;

  constructor(readonly bundle: Bundle) {
    requireComponent(bundle, 'model');
    this.form = bundle.manifest.likelihood!.form!;
  }

  async sample(n: number, rng: Rng, batchSize: number): Promise<ImageBatch> {
    const { height, width, channels } = this.bundle.manifest.image;
    return this.complete(imageBatch(n, height, width, channels), 0, rng, batchSize);
  }

  /**
   * Keep rows [0, fromRow) of each image and draw the rest from the model's
   * conditionals, pixel by pixel in raster order. Images must be 8-bit.
   */
  async complete(images: ImageBatch, fromRow: number, rng: Rng, batchSize: number, source = this.bundle.manifestFile): Promise<ImageBatch> {
    const { height, width, channels, range } = this.bundle.manifest.image;
    const d = dimensionsOf(images);
    const p = PARAMETERS_PER_PIXEL[this.form];
    const levels = levelsFromImages(images, source);
    for (let start = 0; start < images.n; start += batchSize) {
      const m = Math.min(batchSize, images.n - start);
      const batch = levels.subarray(start * d, (start + m) * d);
      for (let position = fromRow * width * channels; position < d; position++) {
        const h = Math.floor(position / (width * channels));
        const w = Math.floor(position / channels) % width;
        const c = position % channels;
        const output = tf.tidy(() => this.run(levelsToRange(batch, range), m));
        try {
          const pixelParams = tf.tidy(() => tf.slice(output, [0, h, w, c * p], [m, 1, 1, p]));
          const params = await finiteValues(pixelParams, this.bundle, 'model');
          pixelParams.dispose();
          for (let i = 0; i < m; i++) batch[i * d + position] = samplePixelLevel(this.form, params, i * p, range, rng);
        } finally {
          output.dispose();
        }
      }
    }
    return imageBatch(images.n, height, width, channels, Float32Array.from(levels, (k) => k / (LEVELS - 1)));
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
