/**
 * The shipped sample bundles load through the same loader and adapters the
 * report uses, draw sane samples, and (density models) reproduce their
 * card's bits/dim on a few MNIST test images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { FlowModel } from '../../src/models/adapters/flow.ts';
import { disposeBundle, loadBundle, type Bundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { requireComponent, runComponent } from '../../src/models/generative-model.ts';

await initBackend('wasm');

const SAMPLES_DIR = fileURLToPath(new URL('../../samples/mnist/', import.meta.url));
const BUNDLES = [
  'gan-dcgan',
  'gan-dcgan-ema',
  'gan-collapsed',
  'vae-conv',
  'flow-realnvp',
  'ar-pixelcnn',
  'hybrid-vqvae',
];
const DENSITY_TEST_IMAGES = 20;
/** 20 images against the card's 1000: a loose band, wide enough for their sampling error. */
const BITS_PER_DIM_BAND = 0.25;

interface CardDensity {
  estimator: string;
  draws: number;
  bitsPerDim: number;
}

function cardDensity(dir: string): CardDensity[] {
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as { measured?: { density?: CardDensity[] } };
  return card.measured?.density ?? [];
}

for (const name of BUNDLES) {
  const dir = join(SAMPLES_DIR, name);

  test(`${name}: loads, samples images in [0, 1]`, async () => {
    const bundle = await loadBundle(dir);
    try {
      const images = await modelForBundle(bundle).sample(3, new Rng(1), 3);
      assert.deepEqual([images.n, images.height, images.width, images.channels], [3, 28, 28, 1]);
      assert.ok(images.data.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
      assert.ok(new Set(images.data).size > 1, 'samples are not constant');
    } finally {
      disposeBundle(bundle);
    }
  });

  if (!['vae-conv', 'flow-realnvp', 'ar-pixelcnn', 'hybrid-vqvae'].includes(name)) continue;

  test(`${name}: bits/dim on ${DENSITY_TEST_IMAGES} MNIST test images matches its card`, async () => {
    const bundle = await loadBundle(dir);
    try {
      const test = loadMnist('test', DENSITY_TEST_IMAGES);
      const expected = cardDensity(dir);
      assert.ok(expected.length > 0, 'the card records measured bits/dim');
      const model = modelForBundle(bundle);
      const estimates = await model.likelihood!.logLikelihood(test.images, {
        rng: new Rng(1),
        batchSize: 20,
        samples: expected[0]!.draws,
        source: test.source,
      });
      for (const e of estimates) {
        const bits = -e.logLikelihoods.reduce((a, b) => a + b, 0) / e.logLikelihoods.length / (28 * 28 * Math.LN2);
        const card = expected.find((c) => c.estimator === e.estimator);
        assert.ok(card, `the card has a figure for ${e.estimator}`);
        assert.ok(Number.isFinite(bits), `${e.estimator}: finite`);
        assert.ok(
          Math.abs(bits - card.bitsPerDim) < BITS_PER_DIM_BAND,
          `${e.estimator}: ${bits.toFixed(3)} bits/dim, card ${card.bitsPerDim}`,
        );
      }
    } finally {
      disposeBundle(bundle);
    }
  });
}

/** ar-pixelcnn's logits for one image: row(x, above(x)), as the adapter's likelihood runs it. */
function pixelCnnLogits(bundle: Bundle, image: Float32Array, rows = 28): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(image.subarray(0, rows * 28), [1, rows, 28, 1]);
    return runComponent(requireComponent(bundle, 'row'), [
      x,
      runComponent(requireComponent(bundle, 'above'), x),
    ]).dataSync() as Float32Array;
  });
}

test("ar-pixelcnn: a pixel's parameters do not depend on it or on later pixels", async () => {
  const bundle = await loadBundle(join(SAMPLES_DIR, 'ar-pixelcnn'));
  try {
    const image = loadMnist('test', 1).images.data;
    const rng = new Rng(2);
    for (const position of [0, 200, 400, 783]) {
      const changed = image.slice();
      for (let j = position; j < changed.length; j++) changed[j] = rng.int(256) / 255;
      const [before, after] = [image, changed].map((x) => pixelCnnLogits(bundle, x));
      // Parameters of pixels up to and including `position`, 256 logits each.
      const upTo = (position + 1) * 256;
      let largest = 0;
      for (let j = 0; j < upTo; j++) largest = Math.max(largest, Math.abs(before![j]! - after![j]!));
      assert.ok(largest < 1e-4, `position ${position}: parameters changed by ${largest}`);
    }
  } finally {
    disposeBundle(bundle);
  }
});

test("ar-pixelcnn: its split sees far: a pixel 20 rows above moves a pixel's parameters", async () => {
  const bundle = await loadBundle(join(SAMPLES_DIR, 'ar-pixelcnn'));
  try {
    const image = loadMnist('test', 1).images.data;
    const changed = image.slice();
    changed[2 * 28 + 14] = 1 - changed[2 * 28 + 14]!;
    const [before, after] = [image, changed].map((x) => pixelCnnLogits(bundle, x));
    const at = (22 * 28 + 14) * 256;
    let largest = 0;
    for (let k = 0; k < 256; k++) largest = Math.max(largest, Math.abs(before![at + k]! - after![at + k]!));
    assert.ok(largest > 1e-3, `pixel (22, 14) moved by only ${largest}`);
  } finally {
    disposeBundle(bundle);
  }
});

test('ar-pixelcnn: run on rows 0 … h alone, as the sampler does, row h gets the parameters of the whole image', async () => {
  const bundle = await loadBundle(join(SAMPLES_DIR, 'ar-pixelcnn'));
  try {
    const image = loadMnist('test', 1).images.data;
    const whole = pixelCnnLogits(bundle, image);
    for (const h of [0, 9, 27]) {
      const part = pixelCnnLogits(bundle, image, h + 1);
      let largest = 0;
      for (let j = h * 28 * 256; j < (h + 1) * 28 * 256; j++)
        largest = Math.max(largest, Math.abs(part[j]! - whole[j]!));
      assert.ok(largest < 1e-4, `row ${h}: parameters differ by ${largest}`);
    }
  } finally {
    disposeBundle(bundle);
  }
});

test('flow-realnvp: inverse(forward(y)) returns y', async () => {
  const bundle = await loadBundle(join(SAMPLES_DIR, 'flow-realnvp'));
  try {
    const flow = modelForBundle(bundle);
    assert.ok(flow instanceof FlowModel);
    const y = loadMnist('test', 4).images.data.map((v) => (Math.round(v * 255) + 0.5) / 256);
    const { z } = await flow.forward(y, 4);
    const back = await flow.inverse(z, 4);
    let largest = 0;
    for (let i = 0; i < y.length; i++) largest = Math.max(largest, Math.abs(back[i]! - y[i]!));
    assert.ok(largest < 1e-3, `largest round-trip error ${largest}`);
  } finally {
    disposeBundle(bundle);
  }
});

test('all shipped bundles together stay under 30 MB', () => {
  const bytes = BUNDLES.flatMap((name) =>
    readdirSync(join(SAMPLES_DIR, name), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => statSync(join(e.parentPath, e.name)).size),
  ).reduce((a, b) => a + b, 0);
  assert.ok(bytes < 30 * 1024 * 1024, `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
});
