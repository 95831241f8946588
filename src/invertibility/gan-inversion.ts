/**
 * GAN inversion by latent optimisation: for each image, Adam on z minimising
 * the mean squared error between G(z) and the image (in the model's range),
 * from several seeded starts; the best restart wins. Where the bundle has an
 * encoder, its output is the first start. Rows are optimised together: the
 * summed loss couples no two rows, and Adam is per coordinate.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng.ts';
import type { ImageBatch } from '../core/types.ts';
import { finiteValues, type GenerativeModel, type LatentSearch, type LatentSpace } from '../models/generative-model.ts';

/** A model whose latent can be searched for: a latent space and the 'search' inversion. */
export interface SearchableModel {
  readonly bundle: GenerativeModel['bundle'];
  readonly latents: LatentSpace;
  readonly inversion: LatentSearch;
}

export interface InversionOptions {
  restarts: number;
  steps: number;
  learningRate: number;
  rng: Rng;
  batchSize: number;
}

export interface Inversion {
  /** Best latent per image, [n, dim]. */
  latents: Float32Array;
  /** decode(best latent), in [0, 1]. */
  reconstructions: ImageBatch;
  /** Final mean squared error per image, in the model's range. */
  losses: Float64Array;
  secondsPerImage: number;
  /** Whether an encoder gave the first start. */
  encoderStart: boolean;
}

/** The model as a SearchableModel, or null when it offers no latent search. */
export function searchable(model: GenerativeModel): SearchableModel | null {
  const { latents, inversion } = model;
  return latents && inversion?.kind === 'search' ? { bundle: model.bundle, latents, inversion } : null;
}

export async function invertGenerator(
  model: SearchableModel,
  images: ImageBatch,
  options: InversionOptions,
): Promise<Inversion> {
  const { restarts, batchSize } = options;
  const dim = model.latents.latentDim;
  const started = performance.now();
  const latents = new Float32Array(images.n * dim);
  const losses = new Float64Array(images.n);
  const per = images.height * images.width * images.channels;
  const imagesPerBatch = Math.max(1, Math.floor(batchSize / restarts));
  for (let start = 0; start < images.n; start += imagesPerBatch) {
    const m = Math.min(imagesPerBatch, images.n - start);
    const targets = toModelRange(images.data.subarray(start * per, (start + m) * per), model);
    const result = await invertBatch(model, targets, m, options);
    latents.set(result.latents, start * dim);
    losses.set(result.losses, start);
  }
  const reconstructions = await model.latents.decode(latents, batchSize);
  return {
    latents,
    reconstructions,
    losses,
    secondsPerImage: (performance.now() - started) / 1000 / images.n,
    encoderStart: Boolean(model.inversion.initialGuess),
  };
}

async function invertBatch(
  model: SearchableModel,
  targets: Float32Array,
  m: number,
  options: InversionOptions,
): Promise<{ latents: Float32Array; losses: Float64Array }> {
  const { restarts, steps, learningRate, rng } = options;
  const { height, width, channels } = model.bundle.manifest.image;
  const dim = model.latents.latentDim;
  const decode = model.inversion.differentiableDecoder();
  const rows = m * restarts;
  // Row r = restart · m + image.
  const starts = model.latents.samplePrior(rows, rng);
  if (model.inversion.initialGuess) starts.set(await model.inversion.initialGuess(targets, m));
  const z = tf.variable(tf.tensor2d(starts, [rows, dim]));
  const target = tf.tidy(() => tf.tile(tf.tensor4d(targets, [m, height, width, channels]), [restarts, 1, 1, 1]));
  const rowLosses = (): tf.Tensor1D => tf.mean(tf.square(tf.sub(decode(z), target)), [1, 2, 3]) as tf.Tensor1D;
  const optimizer = tf.train.adam(learningRate);
  try {
    for (let step = 0; step < steps; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => tf.sum(rowLosses()) as tf.Scalar, false, [z]);
      });
    }
    const finalLosses = tf.tidy(rowLosses);
    const lossValues = await finiteValues(finalLosses, model.bundle, 'generator');
    finalLosses.dispose();
    const zValues = (await z.data()) as Float32Array;
    const latents = new Float32Array(m * dim);
    const losses = new Float64Array(m).fill(Infinity);
    for (let r = 0; r < rows; r++) {
      const image = r % m;
      if (lossValues[r]! < losses[image]!) {
        losses[image] = lossValues[r]!;
        latents.set(zValues.subarray(r * dim, (r + 1) * dim), image * dim);
      }
    }
    return { latents, losses };
  } finally {
    z.dispose();
    target.dispose();
    optimizer.dispose();
  }
}

function toModelRange(values: Float32Array, model: SearchableModel): Float32Array {
  const [lo, hi] = model.bundle.manifest.image.range;
  return values.map((v) => lo + v * (hi - lo));
}
