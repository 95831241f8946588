/**
 * A tiny autoregressive bundle (4×4×1, range [0, 1], categorical-256) with
 * fixed conditionals: a 3×1 convolution whose only live tap is the pixel
 * above, so logit_k(h, w) = a_k · x(h − 1, w) + b_k (x = 0 above the top row).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { tinyBundleDir, writeManifest } from './tiny-bundle.ts';

export const AR_SIDE = 4;

export interface Conditionals {
  a: Float32Array;
  b: Float32Array;
}

/** Smooth, distinct logits: every level has some probability. */
export function smoothConditionals(): Conditionals {
  return {
    a: Float32Array.from({ length: 256 }, (_, k) => 3 * Math.sin(k / 20)),
    b: Float32Array.from({ length: 256 }, (_, k) => Math.cos(k / 7) - (k - 128) ** 2 / 4000),
  };
}

/** Nearly deterministic: below a black pixel comes black, below a white one white. */
export function copyDownConditionals(): Conditionals {
  const a = new Float32Array(256);
  const b = new Float32Array(256).fill(-100);
  b[0] = 50;
  a[255] = 100;
  b[255] = 0;
  return { a, b };
}

/** The manifest's context: how far a pixel's conditional reaches. */
export interface Context {
  rowsAbove: number;
  columnsLeft: number;
  columnsRight: number;
}

/** The true context of this model: the pixel above, nothing else. */
export const TINY_AR_CONTEXT: Context = { rowsAbove: 1, columnsLeft: 0, columnsRight: 0 };

export async function writeTinyAutoregressive(conditionals: Conditionals, context?: Context): Promise<string> {
  const dir = tinyBundleDir('tiny-ar');
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [AR_SIDE, AR_SIDE, 1], filters: 256, kernelSize: [3, 1], padding: 'same' })],
  });
  const kernel = new Float32Array(3 * 256);
  kernel.set(conditionals.a, 0); // tap row 0: the pixel above
  model.layers[0].setWeights([tf.tensor4d(kernel, [3, 1, 1, 256]), tf.tensor1d(conditionals.b)]);
  await saveLayersModel(model, join(dir, 'model'));
  model.dispose();
  writeManifest(dir, {
    name: 'tiny-ar',
    family: 'autoregressive',
    image: { height: AR_SIDE, width: AR_SIDE, channels: 1, range: [0, 1] },
    likelihood: { kind: 'exact', dataSpace: 'uint8-4x4x1', form: 'categorical-256' },
    ...(context ? { context } : {}),
    components: { model: 'model/model.json' },
  });
  return dir;
}

/** The closed form: Σ_(h,w) log softmax(a · x(h − 1, w) + b)[k(h, w)]. */
export function tinyAutoregressiveLogLikelihood(levels: ArrayLike<number>, { a, b }: Conditionals): number {
  let sum = 0;
  for (let h = 0; h < AR_SIDE; h++) {
    for (let w = 0; w < AR_SIDE; w++) {
      const above = h === 0 ? 0 : Math.fround(levels[(h - 1) * AR_SIDE + w] / 255);
      const logits = Array.from({ length: 256 }, (_, k) => a[k] * above + b[k]);
      const max = Math.max(...logits);
      const logZ = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
      sum += logits[levels[h * AR_SIDE + w]] - logZ;
    }
  }
  return sum;
}
