/**
 * `genreport sample`: the images a run with the seed draws, and the latents
 * behind them; the generator run on those latents gives those images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { readNpz } from '../../src/data/npz.ts';
import { loadModel } from '../../src/models/load-model.ts';
import { samplesRng } from '../../src/models/seeded-samples.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-sample-'));

function sample(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/genreport.js'), 'sample', ...args, '--backend', 'wasm'], {
    cwd: work,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

test("a GAN: the run's images for the seed, and latents that the generator turns into them", async () => {
  const gan = await writeTinyGan({ latentDim: 4 });
  const out = join(work, 'gan.npz');
  const run = sample(gan, '--n', '10', '--seed', '5', '--out', out, '--batch-size', '3');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /wrote .*gan\.npz: 10 images of 8×8×1 and their 4-d latents \(seed 5\)/);
  const { images, latents } = readNpz(out);
  assert.deepEqual(images!.shape, [10, 8, 8, 1]);
  assert.deepEqual(latents!.shape, [10, 4]);
  assert.equal(images!.dtype, 'float32');

  // What a run draws with the same seed (a different batch size changes nothing).
  const { bundle, model } = await loadModel(gan);
  const drawn = await model.sample(10, samplesRng(5), 7);
  assert.deepEqual(Array.from(images!.data), Array.from(drawn.data));
  // The generator on the written latents, taken from [-1, 1] to [0, 1].
  const generator = bundle.components.generator as tf.LayersModel;
  const made = tf.tidy(() =>
    (generator.predict(tf.tensor2d(latents!.data as Float32Array, [10, 4])) as tf.Tensor)
      .add(1)
      .div(2)
      .clipByValue(0, 1),
  );
  const values = await made.data();
  made.dispose();
  const worst = Math.max(...Array.from(values, (v, i) => Math.abs(v - images!.data[i]!)));
  assert.ok(worst < 1e-6, `decoding the latents differs by ${worst}`);
});

test('a samples-only .npz has no latents; a bad --out is refused naming the flag', async () => {
  const gan = await writeTinyGan();
  const first = join(work, 'first.npz');
  assert.equal(sample(gan, '--n', '6', '--out', first).status, 0);
  const again = join(work, 'again.npz');
  const run = sample(first, '--n', '4', '--out', again);
  assert.equal(run.status, 0, run.stderr);
  const arrays = readNpz(again);
  assert.deepEqual(Object.keys(arrays), ['images']);
  assert.deepEqual(arrays.images!.shape, [4, 8, 8, 1]);
  const bad = sample(gan, '--n', '4', '--out', join(work, 'x.png'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /x\.png: --out: the samples file must end in \.npz/);
});
