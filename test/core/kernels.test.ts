import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, replacedWasmKernel } from '../../src/core/kernels/index.ts';
import { conv2DBackpropFilterConfig } from '../../src/core/kernels/conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from '../../src/core/kernels/conv2d-transpose.ts';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]];

const TOLERANCE = 1e-5;

/** Deterministic values in [-1, 1): the same data on every backend. */
function values(shape: number[], seed: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let state = seed * 2654435761;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Max |a − b| relative to max |b|. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return maxDiff / maxRef;
}

/** Runs `compute` on the given backend with fresh tensors; returns plain arrays. */
async function on(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  assert.ok(await tf.setBackend(backend));
  await tf.ready();
  if (backend === 'wasm') registerWasmKernels();
  const outputs = tf.tidy(compute);
  const arrays = outputs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outputs);
  return arrays;
}

function assertClose(label: string, actual: Float32Array[], expected: Float32Array[]): void {
  actual.forEach((a, i) => {
    const error = relativeError(a, expected[i]!);
    assert.ok(error <= TOLERANCE, `${label} output ${i}: relative error ${error}`);
  });
}

interface ConvCase {
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [1, 5, 5, 2], filter: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  { x: [3, 6, 5, 7], filter: [1, 1, 7, 5], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 8, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [4, 4, 3, 5], strides: 2, pad: 'same' },
  { x: [1, 9, 7, 2], filter: [5, 5, 2, 3], strides: 2, pad: 'valid' },
  { x: [2, 10, 9, 2], filter: [4, 4, 2, 2], strides: 2, pad: 1 },
  { x: [1, 9, 9, 2], filter: [5, 5, 2, 2], strides: 1, pad: 2 },
  { x: [1, 5, 5, 2], filter: [3, 3, 2, 2], strides: 2, pad: 3 },
  { x: [1, 6, 6, 2], filter: [1, 1, 2, 3], strides: 2, pad: 'same' },
  { x: [1, 7, 8, 2], filter: [3, 4, 2, 3], strides: [2, 1], pad: 'same' },
  { x: [2, 7, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

function describeCase(c: { strides: unknown; pad: unknown }, shapes: string): string {
  return `${shapes} strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`;
}

test('conv2d gradients (Conv2DBackpropInput, Conv2DBackpropFilter) on wasm match the JS backend', async () => {
  for (const [i, c] of CONV_CASES.entries()) {
    const x = values(c.x, 2 * i + 1);
    const filter = values(c.filter, 2 * i + 2);
    const gradients = (): tf.Tensor[] => {
      const xt = tf.tensor4d(x, c.x);
      const ft = tf.tensor4d(filter, c.filter);
      const y = tf.conv2d(xt, ft, c.strides, c.pad);
      const dy = tf.tensor(values(y.shape, 100 + i), y.shape);
      return tf.grads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad))([xt, ft], dy);
    };
    const expected = await on('cpu', gradients);
    const actual = await on('wasm', gradients);
    assertClose(describeCase(c, `x [${c.x}] filter [${c.filter}]`), actual, expected);
  }
});

interface TransposeCase {
  dy: Shape4;
  output: Shape4;
  kernel: number;
  strides: number;
  pad: 'valid' | 'same' | number;
}

const TRANSPOSE_CASES: TransposeCase[] = [
  { dy: [2, 4, 4, 3], output: [2, 8, 8, 2], kernel: 4, strides: 2, pad: 'same' },
  { dy: [2, 4, 4, 3], output: [2, 8, 8, 2], kernel: 5, strides: 2, pad: 'same' },
  { dy: [1, 7, 7, 2], output: [1, 14, 14, 1], kernel: 5, strides: 2, pad: 'same' },
  { dy: [3, 3, 3, 2], output: [3, 9, 9, 1], kernel: 5, strides: 2, pad: 'valid' },
  { dy: [1, 4, 4, 2], output: [1, 8, 8, 3], kernel: 4, strides: 2, pad: 1 },
  { dy: [2, 5, 6, 3], output: [2, 5, 6, 2], kernel: 3, strides: 1, pad: 'same' },
];

test('conv2dTranspose on wasm matches the JS backend', async () => {
  for (const [i, c] of TRANSPOSE_CASES.entries()) {
    const filterShape: Shape4 = [c.kernel, c.kernel, c.output[3], c.dy[3]];
    const dy = values(c.dy, 3 * i + 1);
    const filter = values(filterShape, 3 * i + 2);
    const transpose = (): tf.Tensor[] => [
      tf.conv2dTranspose(tf.tensor4d(dy, c.dy), tf.tensor4d(filter, filterShape), c.output, c.strides, c.pad),
    ];
    const expected = await on('cpu', transpose);
    const actual = await on('wasm', transpose);
    assertClose(describeCase(c, `dy [${c.dy}] -> [${c.output}] k${c.kernel}`), actual, expected);
  }
});

test('registerWasmKernels replaces the builtin Conv2DBackpropInput and is idempotent', async () => {
  await on('wasm', () => []);
  registerWasmKernels();
  assert.equal(tf.getKernel(tf.Conv2DBackpropInput, 'wasm'), conv2DBackpropInputConfig);
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm'), conv2DBackpropFilterConfig);
  const builtin = replacedWasmKernel(tf.Conv2DBackpropInput);
  assert.ok(builtin && builtin !== conv2DBackpropInputConfig);
});

test('training a conv layer on wasm works and leaks nothing', async () => {
  await on('wasm', () => []);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same' }),
    ],
  });
  const images = tf.tensor4d(values([2, 8, 8, 1], 7), [2, 8, 8, 1]);
  const optimizer = tf.train.sgd(0.1);
  const lossOf = (): tf.Scalar => tf.losses.meanSquaredError(images, model.predict(images) as tf.Tensor) as tf.Scalar;
  const step = (): void => tf.dispose(optimizer.minimize(lossOf, true) ?? []);
  step(); // creates the optimizer's state
  const tensorsBefore = tf.memory().numTensors;
  const lossBefore = tf.tidy(() => lossOf().dataSync()[0]!);
  for (let i = 0; i < 3; i++) step();
  const lossAfter = tf.tidy(() => lossOf().dataSync()[0]!);
  assert.ok(lossAfter < lossBefore, `loss went from ${lossBefore} to ${lossAfter}`);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  images.dispose();
  model.dispose();
  optimizer.dispose();
});

test('each kernel frees all its intermediates', async () => {
  await on('wasm', () => []);
  const backend = tf.backend();
  const x = tf.tensor4d(values([2, 9, 9, 3], 1), [2, 9, 9, 3]);
  const filter = tf.tensor4d(values([5, 5, 3, 4], 2), [5, 5, 3, 4]);
  const dy = tf.tensor4d(values([2, 5, 5, 4], 3), [2, 5, 5, 4]);
  const calls: Array<() => tf.Tensor> = [
    () => tf.conv2dTranspose(dy, filter, [2, 9, 9, 3], 2, 'same'),
    () => tf.conv2dTranspose(dy, filter, [2, 9, 9, 3], 2, 1),
    () => tf.grad((f) => tf.conv2d(x, f as tf.Tensor4D, 2, 'same'))(filter, dy),
    () => tf.grad((f) => tf.conv2d(x, f as tf.Tensor4D, 2, 'valid').sum())(filter),
    // The 1×1 (pointwise) route.
    () => tf.grad((f) => tf.conv2d(x, f as tf.Tensor4D, 1, 'same').sum())(tf.tensor4d(values([1, 1, 3, 4], 4), [1, 1, 3, 4])),
  ];
  for (const [i, call] of calls.entries()) {
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    tf.dispose(tf.tidy(call));
    assert.equal(tf.memory().numTensors, tensors, `call ${i}: tensors`);
    assert.equal(backend.numDataIds(), dataIds, `call ${i}: wasm data ids`);
  }
  tf.dispose([x, filter, dy]);
});

test('unsupported attributes fail with a clear message', async () => {
  await on('wasm', () => []);
  const x = tf.zeros([1, 4, 4, 1]);
  const dy = tf.zeros([1, 4, 4, 1]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] };
  assert.throws(
    () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, dilations: 2 }),
    /Conv2DBackpropFilter.*dilations 2 are not supported/,
  );
  assert.throws(
    () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, dataFormat: 'NCHW' }),
    /dataFormat 'NCHW' is not supported/,
  );
  tf.dispose([x, dy]);
});
