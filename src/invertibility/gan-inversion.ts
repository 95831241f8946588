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
import type { Bundle } from '../models/bundle.ts';
import { concatImages, expectShape, finiteValues, imagesFromValues, requireComponent, requireRunnable, runComponent, type LatentDecoder } from '../models/generative-model.ts';
import type { TfjsModel } from '../models/tfjs-files.ts';

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
  /** G(best latent), in [0, 1]. */
  reconstructions: ImageBatch;
  /** Final mean squared error per image, in the model's range. */
  losses: Float64Array;
  secondsPerImage: number;
  /** Whether the bundle's encoder gave the first start. */
  encoderStart: boolean;
}

export async function invertGenerator(bundle: Bundle, images: ImageBatch, options: InversionOptions): Promise<Inversion> {
  const { restarts, batchSize } = options;
  const dim = bundle.manifest.latent!.dim;
  const started = performance.now();
  const latents = new Float32Array(images.n * dim);
  const losses = new Float64Array(images.n);
  const per = images.height * images.width * images.channels;
  const imagesPerBatch = Math.max(1, Math.floor(batchSize / restarts));
  for (let start = 0; start < images.n; start += imagesPerBatch) {
    const m = Math.min(imagesPerBatch, images.n - start);
    const targets = toModelRange(images.data.subarray(start * per, (start + m) * per), bundle);
    const result = await invertBatch(bundle, targets, m, options);
    latents.set(result.latents, start * dim);
    losses.set(result.losses, start);
  }
  const reconstructions = await generatorDecoder(bundle).decode(latents, batchSize);
  return { latents, reconstructions, losses, secondsPerImage: (performance.now() - started) / 1000 / images.n, encoderStart: Boolean(bundle.components.encoder) };
}

/** Images from latents through the generator: what interpolation and inversion decode with. */
export function generatorDecoder(bundle: Bundle): LatentDecoder {
  const dim = bundle.manifest.latent!.dim;
  return {
    latentDim: dim,
    decode: async (latents, batchSize) => {
      // Any runtime: decoding needs no gradients.
      const generator = requireRunnable(bundle, 'generator');
      const parts: ImageBatch[] = [];
      const n = latents.length / dim;
      for (let start = 0; start < n; start += batchSize) {
        const m = Math.min(batchSize, n - start);
        const [output] = await generator.run([{ data: latents.slice(start * dim, (start + m) * dim), shape: [m, dim] }], { inputs: ['values'], outputs: ['image'] });
        parts.push(imagesFromValues(output, bundle, 'generator'));
      }
      return concatImages(parts);
    },
  };
}

async function invertBatch(bundle: Bundle, targets: Float32Array, m: number, options: InversionOptions): Promise<{ latents: Float32Array; losses: Float64Array }> {
  const { restarts, steps, learningRate, rng } = options;
  const { height, width, channels } = bundle.manifest.image;
  const latent = bundle.manifest.latent!;
  const generator = requireComponent(bundle, 'generator');
  const rows = m * restarts;
  // Row r = restart · m + image.
  const starts = bundle.prior!.sample(rows, rng);
  if (bundle.components.encoder) starts.set(await encoderLatents(bundle, targets, m));
  const z = tf.variable(tf.tensor2d(starts, [rows, latent.dim]));
  const target = tf.tidy(() => tf.tile(tf.tensor4d(targets, [m, height, width, channels]), [restarts, 1, 1, 1]));
  const rowLosses = (): tf.Tensor1D => tf.mean(tf.square(tf.sub(differentiableForward(generator, z), target)), [1, 2, 3]) as tf.Tensor1D;
  const optimizer = tf.train.adam(learningRate);
  try {
    for (let step = 0; step < steps; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => tf.sum(rowLosses()) as tf.Scalar, false, [z]);
      });
    }
    const finalLosses = tf.tidy(rowLosses);
    const lossValues = await finiteValues(finalLosses, bundle, 'generator');
    finalLosses.dispose();
    const zValues = (await z.data()) as Float32Array;
    const latents = new Float32Array(m * latent.dim);
    const losses = new Float64Array(m).fill(Infinity);
    for (let r = 0; r < rows; r++) {
      const image = r % m;
      if (lossValues[r] < losses[image]) {
        losses[image] = lossValues[r];
        latents.set(zValues.subarray(r * latent.dim, (r + 1) * latent.dim), image * latent.dim);
      }
    }
    return { latents, losses };
  } finally {
    z.dispose();
    target.dispose();
    optimizer.dispose();
  }
}

async function encoderLatents(bundle: Bundle, targets: Float32Array, m: number): Promise<Float32Array> {
  const { height, width, channels } = bundle.manifest.image;
  const dim = bundle.manifest.latent!.dim;
  const output = tf.tidy(() => runComponent(requireComponent(bundle, 'encoder'), tf.tensor4d(targets, [m, height, width, channels])));
  try {
    expectShape(output, [m, dim], bundle, 'encoder', `a ${dim}-d latent`);
    return await finiteValues(output, bundle, 'encoder');
  } finally {
    output.dispose();
  }
}

/** predict() runs outside the gradient tape's view for LayersModels; apply() does not. */
function differentiableForward(model: TfjsModel, z: tf.Tensor): tf.Tensor {
  return model instanceof tf.LayersModel ? (model.apply(z) as tf.Tensor) : (model.execute(z) as tf.Tensor);
}

function toModelRange(values: Float32Array, bundle: Bundle): Float32Array {
  const [lo, hi] = bundle.manifest.image.range;
  return values.map((v) => lo + v * (hi - lo));
}
