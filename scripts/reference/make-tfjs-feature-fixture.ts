/**
 * The tiny Inception of make-feature-fixtures.py again, as a TensorFlow.js
 * LayersModel with the same weights, so that the tfjs extractor is checked
 * against PyTorch on the same network as the ONNX one.
 *
 * Run from the repository root, after make-feature-fixtures.py:
 *   node --import tsx scripts/reference/make-tfjs-feature-fixture.ts
 *
 * Reads test/fixtures/features/tiny-inception-weights.npz (PyTorch layouts) and
 * writes test/fixtures/features/tiny-inception-tfjs/{model.json, weights.bin,
 * model.json.extractor.json}.
 *
 * What differs from the PyTorch module, and why the numbers still agree:
 * - NHWC instead of NCHW: conv kernels go from (out, in, kh, kw) to
 *   (kh, kw, in, out); concatenation on the last axis keeps the branch order.
 * - The resize to 43 × 43 and the 2x − 1 are not layers (tfjs's Resizing layer
 *   aligns corners, torch's F.interpolate here does not): the sidecar declares
 *   them (size 43, resize bilinear, range [−1, 1]), and genreport's bilinear
 *   resize is torch's. Both are linear, so their order does not matter.
 * - PyTorch pads 3 × 3 convolutions by 1 at stride 1, which is 'same'; the
 *   average pool excludes its padding (count_include_pad=False), as TensorFlow's
 *   'same' average pool does.
 * - The model's output is a softmax head over the pool; the sidecar names the
 *   layer "pool" as the feature vector, so the layer name is what selects it.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { readNpz } from '../../src/data/npz.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';

const FIX = 'test/fixtures/features';
const OUT = join(FIX, 'tiny-inception-tfjs');
const SIZE = 43;

await initBackend('cpu');
const w = readNpz(join(FIX, 'tiny-inception-weights.npz'));
const assigned: [tf.layers.Layer, tf.Tensor[]][] = [];

function array(key: string): tf.Tensor {
  const a = w[key];
  if (!a) throw new Error(`${key} missing from tiny-inception-weights.npz`);
  return tf.tensor(Float32Array.from(a.data as Float32Array), a.shape);
}

/** Conv (no bias) → BatchNorm (eps 1e-3) → ReLU, weights from the PyTorch module at `key`. */
function convBn(
  x: tf.SymbolicTensor,
  key: string,
  kernel: number,
  strides: number,
  padding: 'valid' | 'same',
): tf.SymbolicTensor {
  const weight = array(`${key}.conv.weight`);
  const name = key.replaceAll('.', '_');
  const conv = tf.layers.conv2d({
    name: `${name}_conv`,
    filters: weight.shape[0],
    kernelSize: kernel,
    strides,
    padding,
    useBias: false,
  });
  const bn = tf.layers.batchNormalization({ name: `${name}_bn`, axis: -1, epsilon: 0.001 });
  const y = tf.layers.reLU({ name: `${name}_relu` }).apply(bn.apply(conv.apply(x))) as tf.SymbolicTensor;
  assigned.push([conv, [weight.transpose([2, 3, 1, 0])]]);
  // Keras order: gamma, beta, moving mean, moving variance.
  assigned.push([bn, ['weight', 'bias', 'running_mean', 'running_var'].map((p) => array(`${key}.bn.${p}`))]);
  return y;
}

const images = tf.input({ name: 'images', shape: [SIZE, SIZE, 3] });
let x = convBn(images, 'c1', 3, 2, 'valid');
x = convBn(x, 'c2', 3, 1, 'valid');
x = tf.layers
  .maxPooling2d({ name: 'max_pool', poolSize: 3, strides: 2, padding: 'valid' })
  .apply(x) as tf.SymbolicTensor;
x = convBn(x, 'c3', 3, 1, 'same');
const b1 = convBn(x, 'mixed.b1', 1, 1, 'valid');
const b3 = convBn(convBn(x, 'mixed.b3.0', 1, 1, 'valid'), 'mixed.b3.1', 3, 1, 'same');
const b33 = convBn(
  convBn(convBn(x, 'mixed.b33.0', 1, 1, 'valid'), 'mixed.b33.1', 3, 1, 'same'),
  'mixed.b33.2',
  3,
  1,
  'same',
);
const pooled = tf.layers
  .averagePooling2d({ name: 'mixed_avg_pool', poolSize: 3, strides: 1, padding: 'same' })
  .apply(x) as tf.SymbolicTensor;
const bp = convBn(pooled, 'mixed.bp', 1, 1, 'valid');
const mixed = tf.layers.concatenate({ name: 'mixed', axis: -1 }).apply([b1, b3, b33, bp]) as tf.SymbolicTensor;
const pool = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(mixed) as tf.SymbolicTensor;
const head = tf.layers.dense({ name: 'classes', units: 3, activation: 'softmax' });
const classes = head.apply(pool) as tf.SymbolicTensor;
assigned.push([head, [array('head.weight').transpose(), array('head.bias')]]);

const model = tf.model({ name: 'tiny_inception', inputs: images, outputs: classes });
for (const [layer, weights] of assigned) layer.setWeights(weights);
await saveLayersModel(model, OUT);
const sidecar = {
  name: 'tiny Inception (tfjs)',
  size: SIZE,
  resize: 'bilinear',
  range: [-1, 1],
  features: 'pool',
  probabilities: 'classes',
  classes: ['class 0', 'class 1', 'class 2'],
};
writeFileSync(join(OUT, 'model.json.extractor.json'), `${JSON.stringify(sidecar, null, 2)}\n`);
console.log(`wrote ${OUT}: ${model.countParams()} parameters, ${model.layers.length} layers`);
