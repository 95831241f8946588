import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { invertGenerator, searchable } from '../../src/invertibility/gan-inversion.ts';
import { GanModel } from '../../src/models/adapters/gan.ts';
import { interpolateLatents } from '../../src/invertibility/interpolation.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';

await initBackend('wasm');

test('latent optimisation recovers the known latent of a small generator', async () => {
  const bundle = await loadBundle(await writeTinyGan());
  try {
    const truth = new Rng(7).normals(3 * 4).map((v) => 0.7 * v);
    const images = await new GanModel(bundle).decode(truth, 3);
    const inversion = await invertGenerator(searchable(new GanModel(bundle))!, images, {
      restarts: 3,
      steps: 400,
      learningRate: 0.05,
      rng: new Rng(1),
      batchSize: 9,
    });
    for (let i = 0; i < truth.length; i++)
      assert.ok(Math.abs(inversion.latents[i]! - truth[i]!) < 0.02, `z[${i}] ${inversion.latents[i]} vs ${truth[i]}`);
    assert.ok(
      inversion.losses.every((l) => l < 1e-5),
      `losses ${[...inversion.losses]}`,
    );
    assert.ok(inversion.secondsPerImage > 0 && !inversion.encoderStart);
    assert.equal(inversion.reconstructions.n, 3);
  } finally {
    disposeBundle(bundle);
  }
});

test('a bundle encoder gives the first start: with no steps and one restart, the result is the encoder output', async () => {
  const dir = await writeTinyGan();
  const encoder = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  await saveLayersModel(encoder, join(dir, 'encoder'));
  const manifestFile = join(dir, 'genmodel.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  writeFileSync(
    manifestFile,
    JSON.stringify({ ...manifest, components: { ...manifest.components, encoder: 'encoder/model.json' } }),
  );
  const bundle = await loadBundle(dir);
  try {
    const images = await new GanModel(bundle).decode(new Rng(2).normals(2 * 4), 2);
    const inversion = await invertGenerator(searchable(new GanModel(bundle))!, images, {
      restarts: 1,
      steps: 0,
      learningRate: 0.05,
      rng: new Rng(1),
      batchSize: 2,
    });
    const expected = tf
      .tidy(
        () =>
          encoder.predict(
            tf.tensor4d(
              images.data.map((v) => 2 * v - 1),
              [2, 8, 8, 1],
            ),
          ) as tf.Tensor,
      )
      .dataSync();
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(inversion.latents[i]! - expected[i]!) < 1e-6);
    assert.ok(inversion.encoderStart);
  } finally {
    disposeBundle(bundle);
    encoder.dispose();
  }
});

test('interpolation starts and ends at the endpoint images; slerp keeps the norm of equal-norm latents', async () => {
  const bundle = await loadBundle(await writeTinyGan());
  try {
    const decoder = new GanModel(bundle);
    const a = Float32Array.from([1, 0, 0, 0]);
    const b = Float32Array.from([0, 1, 0, 0]);
    const path = await interpolateLatents(decoder, a, b, 5, 'slerp', 2);
    const ends = await decoder.decode(Float32Array.from([...a, ...b]), 2);
    const per = 64;
    for (let j = 0; j < per; j++) {
      assert.ok(Math.abs(path.data[j]! - ends.data[j]!) < 1e-6);
      assert.ok(Math.abs(path.data[4 * per + j]! - ends.data[per + j]!) < 1e-6);
    }
    // Midpoint of slerp between orthogonal unit vectors is (1, 1)/√2, norm 1.
    const middle = await decoder.decode(Float32Array.from([Math.SQRT1_2, Math.SQRT1_2, 0, 0]), 1);
    for (let j = 0; j < per; j++) assert.ok(Math.abs(path.data[2 * per + j]! - middle.data[j]!) < 1e-6);
  } finally {
    disposeBundle(bundle);
  }
});
