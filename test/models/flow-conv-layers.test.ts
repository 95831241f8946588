import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import {
  FlowActNorm,
  FlowConvAffineCoupling,
  FlowFactorOut,
  FlowFlatten,
  FlowInvertible1x1Conv,
  type FlowLayer,
  FlowSqueeze,
} from '../../src/models/layers/index.ts';
import { loadTfjsModel, saveLayersModel } from '../../src/models/tfjs-files.ts';

await initBackend('wasm');

const SIDE = 4;
const D = SIDE * SIDE;
/** Random weights of this size: far from the identity, yet smooth enough for finite differences in float32. */
const WEIGHT_SCALE = 0.2;

/**
 * 4×4×1 → checkerboard couplings → squeeze 2×2×4 → actnorm, 1×1 conv, channel couplings → then either
 * squeeze 1×1×16 → 1×1 conv, channel coupling; or (multi-scale) factor out 2 of the 4 channels →
 * squeeze the 2×2×2 rest to 1×1×8 → 1×1 conv, channel coupling, with the 8 factored values passive.
 */
function tinyFlow(options: { factorOut?: boolean } = {}): tf.LayersModel {
  const s0 = { height: 4, width: 4, channels: 1 };
  const s1 = { height: 2, width: 2, channels: 4 };
  const layers: tf.layers.Layer[] = [
    new FlowFlatten({ inputShape: [SIDE, SIDE, 1], ...s0 }),
    new FlowConvAffineCoupling({ ...s0, hidden: 5, mask: 'checkerboard', parity: 0 }),
    new FlowConvAffineCoupling({ ...s0, hidden: 5, mask: 'checkerboard', parity: 1 }),
    new FlowSqueeze(s0),
    new FlowActNorm({ channels: 4 }),
    new FlowInvertible1x1Conv({ ...s1 }),
    new FlowConvAffineCoupling({ ...s1, hidden: 6, mask: 'channel', parity: 0 }),
    new FlowConvAffineCoupling({ ...s1, hidden: 6, mask: 'channel', parity: 1 }),
  ];
  if (options.factorOut) {
    const kept = { height: 2, width: 2, channels: 2 };
    const s2 = { height: 1, width: 1, channels: 8, passive: 8 };
    layers.push(
      new FlowFactorOut({ ...s1, keep: 2 }),
      new FlowSqueeze({ ...kept, passive: 8 }),
      new FlowInvertible1x1Conv({ ...s2, permutation: [3, 1, 4, 7, 2, 6, 5, 0] }),
      new FlowConvAffineCoupling({ ...s2, hidden: 7, mask: 'channel', parity: 0 }),
    );
  } else {
    const s2 = { height: 1, width: 1, channels: 16 };
    layers.push(
      new FlowSqueeze(s1),
      new FlowInvertible1x1Conv({ ...s2, permutation: [3, 1, 4, 15, 9, 2, 6, 5, 8, 7, 0, 10, 11, 12, 13, 14] }),
      new FlowConvAffineCoupling({ ...s2, hidden: 7, mask: 'channel', parity: 0 }),
    );
  }
  const model = tf.sequential({ layers });
  // Random weights everywhere (a fresh coupling is the identity, which would test nothing).
  const rng = new Rng(11);
  for (const layer of model.layers.slice(1)) {
    layer.setWeights(
      layer.getWeights().map((w) =>
        tf.tensor(
          Float32Array.from({ length: w.size }, () => WEIGHT_SCALE * rng.normal()),
          w.shape,
        ),
      ),
    );
  }
  return model;
}

const SHAPES = [
  { name: 'single-scale', factorOut: false },
  { name: 'multi-scale (factored-out)', factorOut: true },
];

function forward(model: tf.LayersModel, images: tf.Tensor4D): tf.Tensor2D {
  return model.predict(images) as tf.Tensor2D;
}

function inverse(model: tf.LayersModel, state: tf.Tensor2D): tf.Tensor2D {
  let s = state;
  for (const layer of [...model.layers.slice(1)].reverse() as FlowLayer[]) s = layer.inverse(s);
  return s;
}

function randomImages(n: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * D }, () => rng.normal()),
    [n, SIDE, SIDE, 1],
  );
}

test('squeeze moves each 2×2 block into channels (row in block, column in block, channel) and back', () => {
  const layer = new FlowSqueeze({ height: 4, width: 4, channels: 1 });
  const state = tf.tensor2d([[...Array.from({ length: 16 }, (_, i) => i), 0.5]]);
  const squeezed = layer.forward(state);
  assert.deepEqual(Array.from(squeezed.dataSync()), [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15, 0.5]);
  assert.deepEqual(Array.from(layer.inverse(squeezed).dataSync()), Array.from(state.dataSync()));
});

test('factoring-out puts the kept channels first (an H×W×keep image), then the factored values, and back', () => {
  const layer = new FlowFactorOut({ height: 2, width: 2, channels: 4, keep: 1 });
  const state = tf.tensor2d([[...Array.from({ length: 16 }, (_, i) => i), 0.5]]);
  const split = layer.forward(state);
  assert.deepEqual(Array.from(split.dataSync()), [0, 4, 8, 12, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 0.5]);
  assert.equal(layer.factored, 12);
  assert.deepEqual(Array.from(layer.inverse(split).dataSync()), Array.from(state.dataSync()));
});

test('a layer with passive values transforms only the values before them, both ways', () => {
  const layer = new FlowActNorm({ channels: 2, passive: 3 });
  layer.build();
  layer.setWeights([tf.tensor1d([Math.log(2), 0]), tf.tensor1d([1, -1])]);
  const state = tf.tensor2d([[1, 2, 3, 4, 7, 8, 9, 0.25]]);
  const out = layer.forward(state);
  // Active [1, 2, 3, 4] by channel (scale 2 and 1, bias 1 and −1); log|det| += 2 pixels · log 2.
  const expected = [3, 1, 7, 3, 7, 8, 9, 0.25 + 2 * Math.log(2)];
  Array.from(out.dataSync()).forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]!) < 1e-6, `value ${i}: ${v} vs ${expected[i]}`),
  );
  Array.from(layer.inverse(out).dataSync()).forEach((v, i) => assert.ok(Math.abs(v - state.dataSync()[i]!) < 1e-6));
  assert.equal(layer.getConfig().passive, 3);
  assert.equal(
    new FlowActNorm({ channels: 2 }).getConfig().passive,
    undefined,
    'no passive key when nothing is factored out',
  );
});

for (const shape of SHAPES)
  test(`${shape.name}: conv couplings, squeezes and 1×1 convs invert exactly: x→z→x errs by under 1e-4`, () => {
    const model = tinyFlow(shape);
    const images = randomImages(6, 1);
    const state = forward(model, images);
    const back = inverse(model, state);
    const x = tf.concat([tf.reshape(images, [6, D]), tf.zeros([6, 1])], 1);
    const error = tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]!;
    assert.ok(error < 1e-4, `round-trip error ${error}`);
    const logDets = tf.slice(state, [0, D], [-1, 1]).dataSync();
    assert.ok(
      logDets.every((v) => Number.isFinite(v) && Math.abs(v) > 1e-3),
      'a non-trivial log-determinant',
    );
  });

for (const shape of SHAPES)
  test(`${shape.name}: the log-determinant equals log|det| of the numerical Jacobian, to 1e-3 relative`, () => {
    const model = tinyFlow(shape);
    for (const seed of [2, 3]) {
      const x = randomImages(1, seed).dataSync();
      const logDet = forward(model, tf.tensor4d(x, [1, SIDE, SIDE, 1])).dataSync()[D]!;
      // Central differences, one column of the Jacobian per input value, at steps h and h/2 combined
      // by Richardson extrapolation (4·J(h/2) − J(h)) / 3, which cancels the h² error term.
      const central = (h: number): Float64Array => {
        const shifted = new Float32Array(2 * D * D);
        for (let j = 0; j < D; j++) {
          shifted.set(x, 2 * j * D);
          shifted.set(x, (2 * j + 1) * D);
          shifted[2 * j * D + j]! += h;
          shifted[(2 * j + 1) * D + j]! -= h;
        }
        const out = forward(model, tf.tensor4d(shifted, [2 * D, SIDE, SIDE, 1])).arraySync();
        const jacobian = new Float64Array(D * D);
        for (let j = 0; j < D; j++) {
          for (let i = 0; i < D; i++) jacobian[i * D + j] = (out[2 * j]![i]! - out[2 * j + 1]![i]!) / (2 * h);
        }
        return jacobian;
      };
      const coarse = central(2e-2);
      const fine = central(1e-2);
      const jacobian = fine.map((v, k) => (4 * v - coarse[k]!) / 3);
      const numeric = logAbsDet(jacobian, D);
      assert.ok(
        Math.abs(numeric - logDet) <= 1e-3 * Math.max(1, Math.abs(logDet)),
        `numeric ${numeric} vs layer ${logDet}`,
      );
    }
  });

for (const shape of SHAPES)
  test(`${shape.name}: a flow of the new layers saves and loads by itself, giving the same outputs`, async () => {
    const model = tinyFlow(shape);
    const dir = join(mkdtempSync(join(tmpdir(), 'genreport-flow-layers-')), 'flow');
    await saveLayersModel(model, dir);
    const loaded = (await loadTfjsModel(join(dir, 'model.json'))) as tf.LayersModel;
    assert.deepEqual(
      loaded.layers.map((l) => l.getClassName()),
      model.layers.map((l) => l.getClassName()),
    );
    const images = randomImages(3, 4);
    const a = forward(model, images).dataSync();
    const b = forward(loaded, images).dataSync();
    assert.deepEqual(Array.from(b), Array.from(a));
    const state = forward(model, images);
    assert.deepEqual(Array.from(inverse(loaded, state).dataSync()), Array.from(inverse(model, state).dataSync()));
  });

/** log|det| by LU with partial pivoting, float64. */
function logAbsDet(matrix: Float64Array, n: number): number {
  const a = Float64Array.from(matrix);
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[pivot * n + c]!)) pivot = r;
    for (let k = 0; k < n; k++) [a[c * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[c * n + k]!];
    sum += Math.log(Math.abs(a[c * n + c]!));
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / a[c * n + c]!;
      for (let k = c; k < n; k++) a[r * n + k]! -= f * a[c * n + k]!;
    }
  }
  return sum;
}
