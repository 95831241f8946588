import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, replacedWasmKernel } from '../../src/core/kernels/index.ts';
import { batchMatMulConfig } from '../../src/core/kernels/batch-mat-mul.ts';
import { conv2DBackpropFilterConfig } from '../../src/core/kernels/conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from '../../src/core/kernels/conv2d-transpose.ts';
import { identityConfig } from '../../src/core/kernels/identity.ts';
import { sumConfig } from '../../src/core/kernels/sum.ts';
import { tileConfig } from '../../src/core/kernels/tile.ts';
import { transposeConfig } from '../../src/core/kernels/transpose.ts';

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
  {
    x: [2, 7, 8, 3],
    filter: [3, 3, 3, 2],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
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

const TILE_CASES: [number[], number[]][] = [
  [
    [1, 1, 1, 32],
    [64, 14, 14, 1],
  ], // a bias tiled to feature maps, as in batch-norm gradients
  [
    [2, 3],
    [2, 2],
  ],
  [
    [3, 1, 2],
    [1, 4, 1],
  ],
  [
    [2, 3, 4],
    [1, 1, 1],
  ],
  [[5], [3]],
  [
    [2, 1, 3, 1],
    [2, 3, 1, 4],
  ],
  [
    [3, 2],
    [5, 3],
  ], // a span that is not a power of two of the first copy
  [
    [1, 2],
    [0, 2],
  ],
];

test('Tile on wasm gives exactly the JS backend values, for float32, int32 and bool', async () => {
  for (const [shape, reps] of TILE_CASES) {
    const size = shape.reduce((a, b) => a * b, 1);
    const tiles = (): tf.Tensor[] => [
      tf.tile(tf.tensor(values(shape, size), shape), reps),
      tf.tile(tf.range(0, size, 1, 'int32').reshape(shape), reps),
      tf.tile(tf.tensor(values(shape, size + 1), shape).greater(0), reps),
    ];
    const expected = await on('cpu', tiles);
    const actual = await on('wasm', tiles);
    actual.forEach((a, i) =>
      assert.deepEqual(Array.from(a), Array.from(expected[i]!), `tile [${shape}] by [${reps}], output ${i}`),
    );
  }
});

test('Identity on wasm shares its input: the copy outlives the original and no data is left behind', async () => {
  await on('wasm', () => []);
  const backend = tf.backend();
  const dataIds = backend.numDataIds();
  const x = tf.tensor([1.5, -0, 3]);
  const copy = tf.clone(x);
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1.5, -0, 3]);
  assert.ok(Object.is(copy.dataSync()[1], -0));
  copy.dispose();
  assert.equal(backend.numDataIds(), dataIds);
});

const TRANSPOSE_PERMS: [number[], number[]][] = [
  [
    [6, 5, 5, 34],
    [3, 1, 2, 0],
  ], // the filter gradient's: tiles with ragged edges
  [
    [1, 70, 9],
    [0, 2, 1],
  ],
  [
    [2, 3, 4, 5],
    [2, 0, 3, 1],
  ],
  [
    [4, 3, 2, 2, 5],
    [0, 1, 3, 2, 4],
  ], // innermost axis stays: left to the builtin
  [
    [2, 1, 1, 3],
    [3, 2, 1, 0],
  ], // size-1 axes dropped
  [
    [5, 6],
    [0, 1],
  ],
];

test('Transpose on wasm gives exactly the JS backend values, for float32 and int32', async () => {
  for (const [shape, perm] of TRANSPOSE_PERMS) {
    const size = shape.reduce((a, b) => a * b, 1);
    const transposes = (): tf.Tensor[] => [
      tf.transpose(tf.tensor(values(shape, size), shape), perm),
      tf.transpose(tf.range(0, size, 1, 'int32').reshape(shape), perm),
    ];
    const expected = await on('cpu', transposes);
    const actual = await on('wasm', transposes);
    actual.forEach((a, i) =>
      assert.deepEqual(Array.from(a), Array.from(expected[i]!), `transpose [${shape}] by [${perm}], output ${i}`),
    );
  }
});

test('Sum on wasm gives bit for bit the sums of the builtin wasm kernel, over leading axes and others', async () => {
  await on('wasm', () => []);
  const backend = tf.backend();
  const builtin = replacedWasmKernel(tf.Sum)!;
  const cases: [number[], number[], boolean][] = [
    [[16, 7, 7, 40], [0, 1, 2], false], // a bias gradient: ours
    [[300, 9], [0], true],
    [[50, 3], [0], false], // a short row: the builtin
    [[4, 5, 6], [1, 2], false], // trailing axes: the builtin
    [[4, 5, 6], [0, 2], true],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const x = tf.tensor(values(shape, shape.length), shape).mul(1000);
    const ours = tf.sum(x, axis, keepDims);
    const theirs = builtin.kernelFunc({ inputs: { x }, backend, attrs: { axis, keepDims } }) as tf.TensorInfo;
    const label = `sum [${shape}] over [${axis}]`;
    assert.deepEqual(ours.shape, theirs.shape, label);
    assert.deepEqual(Array.from(ours.dataSync()), Array.from(backend.readSync(theirs.dataId) as Float32Array), label);
    backend.disposeData(theirs.dataId);
    tf.dispose([x, ours]);
  }
});

test('BatchMatMul on wasm gives bit for bit the builtin values, transposed, batched and plain', async () => {
  await on('wasm', () => []);
  const backend = tf.backend();
  const builtin = replacedWasmKernel(tf.BatchMatMul)!;
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 300], [64, 120], true, false], // a dense layer's weight gradient: ours, a block of 48 and a ragged 16
    [[64, 120], [300, 120], false, true], // its input gradient: two blocks and a ragged 24
    [[3, 50, 97], [3, 97, 90], false, false], // a batch
    [[2, 97, 70], [2, 90, 97], true, true],
    [[1, 48, 70], [1, 48, 60], true, false], // one whole block
    [[64, 1], [64, 4096], true, false], // a shared axis of 1
    [[10, 20], [10, 30], true, false], // few outputs: the builtin
    [[1, 100, 64], [1, 64, 100], false, false], // the builtin's own XNNPACK case
  ];
  for (const [aShape, bShape, transposeA, transposeB] of cases) {
    const a = tf.tensor(values(aShape, aShape.length), aShape);
    const b = tf.tensor(values(bShape, bShape.length + 7), bShape);
    const ours = tf.matMul(a, b, transposeA, transposeB);
    const theirs = builtin.kernelFunc({
      inputs: { a, b },
      backend,
      attrs: { transposeA, transposeB },
    }) as tf.TensorInfo;
    const label = `matMul [${aShape}]${transposeA ? 'ᵀ' : ''} [${bShape}]${transposeB ? 'ᵀ' : ''}`;
    assert.deepEqual(ours.shape, theirs.shape, label);
    const expected = backend.readSync(theirs.dataId) as Float32Array;
    const actual = ours.dataSync();
    // Object.is: the signs of zeros agree too.
    const differing = Array.from(actual).filter((v, i) => !Object.is(v, expected[i])).length;
    assert.equal(differing, 0, `${label}: ${differing} of ${expected.length} values differ`);
    backend.disposeData(theirs.dataId);
    tf.dispose([a, b, ours]);
  }
});

test('registerWasmKernels replaces the builtin Conv2DBackpropInput and is idempotent', async () => {
  await on('wasm', () => []);
  registerWasmKernels();
  assert.equal(tf.getKernel(tf.Conv2DBackpropInput, 'wasm'), conv2DBackpropInputConfig);
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm'), conv2DBackpropFilterConfig);
  assert.equal(tf.getKernel(tf.Identity, 'wasm'), identityConfig);
  assert.equal(tf.getKernel(tf.Tile, 'wasm'), tileConfig);
  assert.equal(tf.getKernel(tf.Transpose, 'wasm'), transposeConfig);
  assert.equal(tf.getKernel(tf.Sum, 'wasm'), sumConfig);
  assert.equal(tf.getKernel(tf.BatchMatMul, 'wasm'), batchMatMulConfig);
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
    () =>
      tf.matMul(
        tf.tensor2d(values([64, 100], 5), [64, 100]),
        tf.tensor2d(values([64, 120], 6), [64, 120]),
        true,
        false,
      ),
    // The 1×1 (pointwise) route.
    () =>
      tf.grad((f) => tf.conv2d(x, f as tf.Tensor4D, 1, 'same').sum())(
        tf.tensor4d(values([1, 1, 3, 4], 4), [1, 1, 3, 4]),
      ),
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
