import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import {
  FlowActNorm,
  FlowConvAffineCoupling,
  FlowFlatten,
  FlowInvertible1x1Conv,
  FlowSqueeze,
} from '../../src/models/layers/index.ts';
import { GradientWorkers } from '../../training/mnist/lib/gradient-workers.ts';
import { loss } from '../../training/mnist/flow/loss.ts';

await initBackend('wasm');

/** A small 4×4 flow with random (seeded) weights, so every gradient is non-trivial. */
function smallFlow(): tf.LayersModel {
  const s0 = { height: 4, width: 4, channels: 1 };
  const s1 = { height: 2, width: 2, channels: 4 };
  const model = tf.sequential({
    layers: [
      new FlowFlatten({ inputShape: [4, 4, 1], ...s0 }),
      new FlowConvAffineCoupling({ ...s0, hidden: 6, mask: 'checkerboard', parity: 0 }),
      new FlowSqueeze(s0),
      new FlowActNorm({ channels: 4 }),
      new FlowInvertible1x1Conv(s1),
      new FlowConvAffineCoupling({ ...s1, hidden: 6, mask: 'channel', parity: 0 }),
    ],
  });
  const rng = new Rng(5);
  for (const layer of model.layers.slice(1))
    layer.setWeights(
      layer.getWeights().map((w) =>
        tf.tensor(
          Float32Array.from({ length: w.size }, () => 0.2 * rng.normal()),
          w.shape,
        ),
      ),
    );
  return model;
}

function batch(seed: number, n: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * 16 }, () => 0.05 + 0.9 * rng.uniform());
}

const LOSS_MODULE = new URL('../../training/mnist/flow/loss.ts', import.meta.url);

test('gradients shared among 3 workers (shares of 3, 3 and 4 images) equal the whole batch gradient, to 1e-5 relative', async () => {
  const model = smallFlow();
  const y = batch(1, 10);
  const images = tf.tensor4d(y, [10, 4, 4, 1]);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => loss(model, images).loss, variables);
  const workers = GradientWorkers.start(model, LOSS_MODULE, 3);
  try {
    const shared = await workers.gradients(y, [10, 4, 4, 1]);
    assert.ok(
      Math.abs(shared.loss - value.dataSync()[0]!) < 1e-4 * Math.abs(value.dataSync()[0]!),
      `loss ${shared.loss} vs ${value.dataSync()[0]}`,
    );
    assert.ok(Number.isFinite(shared.figures.logDet));
    for (const v of variables) {
      const expected = grads[v.name]!.dataSync();
      const actual = shared.gradients[v.name]!.dataSync();
      const scale = Math.max(...Array.from(expected, Math.abs));
      assert.ok(scale > 0, `${v.name} has a gradient`);
      const error = Math.max(...Array.from(actual, (a, i) => Math.abs(a - expected[i]!)));
      assert.ok(error <= 1e-5 * scale, `${v.name}: error ${error} of ${scale}`);
    }
  } finally {
    await workers.stop();
  }
});

test('three Adam steps with 2 gradient workers follow the single-thread training, to 1e-5', async () => {
  const train = async (workerCount: number): Promise<Float32Array[]> => {
    const model = smallFlow();
    const optimizer = tf.train.adam(1e-2);
    const workers = workerCount > 1 ? GradientWorkers.start(model, LOSS_MODULE, workerCount) : null;
    try {
      const workerTensors: number[][] = [];
      for (let step = 0; step < 3; step++) {
        const y = batch(10 + step, 8);
        if (workers) {
          const shared = await workers.gradients(y, [8, 4, 4, 1]);
          workerTensors.push(shared.workerTensors);
          optimizer.applyGradients(Object.entries(shared.gradients).map(([name, tensor]) => ({ name, tensor })));
          workers.weightsUpdated();
        } else {
          const images = tf.tensor4d(y, [8, 4, 4, 1]);
          optimizer.minimize(() => loss(model, images).loss);
        }
      }
      // New weights reach the workers every step; none of it may pile up there.
      if (workers)
        assert.deepEqual(
          workerTensors[2],
          workerTensors[1],
          `live tensors in the workers by step: ${JSON.stringify(workerTensors)}`,
        );
      return model.getWeights().map((w) => w.dataSync() as Float32Array);
    } finally {
      await workers?.stop();
    }
  };
  const alone = await train(1);
  const shared = await train(2);
  const initial = smallFlow()
    .getWeights()
    .map((w) => w.dataSync());
  const moved = alone.some((w, k) => w.some((v, i) => Math.abs(v - initial[k]![i]!) > 1e-3));
  assert.ok(moved, 'the steps change the weights');
  alone.forEach((w, k) =>
    w.forEach((v, i) =>
      assert.ok(
        Math.abs(v - shared[k]![i]!) <= 1e-5 * Math.max(1, Math.abs(v)),
        `weight ${k}[${i}]: ${v} vs ${shared[k]![i]}`,
      ),
    ),
  );
});
