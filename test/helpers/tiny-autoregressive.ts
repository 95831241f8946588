/**
 * A tiny autoregressive bundle (4×4×1, range [0, 1], categorical-256) with
 * fixed conditionals: a 3×3 convolution whose only live taps are the pixel
 * above and the pixel to the left, so
 *   logit_k(h, w) = a_k · x(h − 1, w) + c_k · x(h, w − 1) + b_k
 * (x = 0 beyond the image). The same conditionals also come split in two,
 * `above` + `row`, the shape that samples with each row's context cached.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { writeRowCached } from './row-cached.ts';
import { tinyBundleDir, writeManifest } from './tiny-bundle.ts';

export const AR_SIDE = 4;

export interface Conditionals {
  a: Float32Array;
  b: Float32Array;
  /** Weights of the pixel to the left; absent: none. */
  c?: Float32Array;
}

/** Smooth, distinct logits: every level has some probability. */
export function smoothConditionals(): Conditionals {
  return {
    a: Float32Array.from({ length: 256 }, (_, k) => 3 * Math.sin(k / 20)),
    b: Float32Array.from({ length: 256 }, (_, k) => Math.cos(k / 7) - (k - 128) ** 2 / 4000),
  };
}

/** Smooth logits that read the pixel to the left as well as the one above. */
export function smoothConditionalsWithLeft(): Conditionals {
  return { ...smoothConditionals(), c: Float32Array.from({ length: 256 }, (_, k) => 2 * Math.cos(k / 30)) };
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

/** The true context of this model: the pixel above and the one to its left. */
export const TINY_AR_CONTEXT: Context = { rowsAbove: 1, columnsLeft: 1, columnsRight: 0 };

export async function writeTinyAutoregressive(conditionals: Conditionals, context?: Context): Promise<string> {
  const dir = tinyBundleDir('tiny-ar');
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [AR_SIDE, AR_SIDE, 1], filters: 256, kernelSize: 3, padding: 'same' })],
  });
  const kernel = new Float32Array(9 * 256);
  kernel.set(conditionals.a, 1 * 256); // tap (row 0, column 1): the pixel above
  if (conditionals.c) kernel.set(conditionals.c, 3 * 256); // tap (row 1, column 0): the pixel to the left
  model.layers[0]!.setWeights([tf.tensor4d(kernel, [3, 3, 1, 256]), tf.tensor1d(conditionals.b)]);
  await saveLayersModel(model, join(dir, 'model'));
  model.dispose();
  writeManifest(dir, { ...manifest(), ...(context ? { context } : {}), components: { model: 'model/model.json' } });
  return dir;
}

/**
 * The same conditionals split (helpers/row-cached.ts): `above` shifts the
 * image down one row, `row` adds c · x(h, w − 1) + b and a · x(h − 1, w).
 * `aboveHeight` fixes the rows `above` accepts (null: any, as sampling needs).
 */
export async function writeTinyRowCached(
  conditionals: Conditionals,
  aboveHeight: number | null = null,
): Promise<string> {
  const dir = tinyBundleDir('tiny-ar-split');
  await writeRowCached(
    dir,
    { above: 'above', row: 'row' },
    { width: AR_SIDE, aboveHeight },
    { left: conditionals.c ?? new Float32Array(256), fromAbove: conditionals.a, bias: conditionals.b },
  );
  writeManifest(dir, { ...manifest(), components: { above: 'above/model.json', row: 'row/model.json' } });
  return dir;
}

function manifest() {
  return {
    name: 'tiny-ar',
    family: 'autoregressive',
    image: { height: AR_SIDE, width: AR_SIDE, channels: 1, range: [0, 1] },
    likelihood: { kind: 'exact', dataSpace: 'uint8-4x4x1', form: 'categorical-256' },
  };
}

/** The closed form: Σ_(h,w) log softmax(a · x(h − 1, w) + c · x(h, w − 1) + b)[k(h, w)]. */
export function tinyAutoregressiveLogLikelihood(levels: ArrayLike<number>, { a, b, c }: Conditionals): number {
  let sum = 0;
  for (let h = 0; h < AR_SIDE; h++) {
    for (let w = 0; w < AR_SIDE; w++) {
      const above = h === 0 ? 0 : Math.fround(levels[(h - 1) * AR_SIDE + w]! / 255);
      const left = w === 0 ? 0 : Math.fround(levels[h * AR_SIDE + w - 1]! / 255);
      const logits = Array.from({ length: 256 }, (_, k) => a[k]! * above + (c ? c[k]! * left : 0) + b[k]!);
      const max = Math.max(...logits);
      const logZ = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
      sum += logits[levels[h * AR_SIDE + w]!]! - logZ;
    }
  }
  return sum;
}
