/**
 * A shard's samples are the single run's: image j depends on the seed and j
 * only, whatever the batch it is drawn in. For each prior, the latents of a
 * share equal those rows of the whole draw (across the chunks it is drawn in,
 * and with the Box–Muller spare of an odd dimension carried between rows);
 * for every family (tfjs and ONNX GAN, VAE and flow, the hybrid, an
 * autoregressive model, a samples-only model) the images of a share (in other
 * batches) equal those images of the whole run, through `sample` and through
 * the stream the pipeline samples from (sample/sample-stream.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { pickImages, type ImageBatch } from '../../src/core/types.ts';
import { concatImages } from '../../src/models/generative-model.ts';
import { sampleStream } from '../../src/sample/sample-stream.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { GaussianMixturePrior, latentRows, StandardNormalPrior, UniformPrior } from '../../src/models/latent-prior.ts';
import { loadModel } from '../../src/models/load-model.ts';
import { loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import type { AutoregressiveModel } from '../../src/models/adapters/autoregressive.ts';
import { samplesRng } from '../../src/models/seeded-samples.ts';
import { shareIndices } from '../../src/pipeline/shard.ts';
import { smoothConditionalsWithLeft, writeTinyAutoregressive } from '../helpers/tiny-autoregressive.ts';

const root = resolve(import.meta.dirname, '../..');

/** 30 stored 4×4 greyscale images, for a samples-only model. */
function storedImages(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'genreport-indexed-')), 'stored.npy');
  const rng = new Rng(9);
  writeNpy(file, {
    dtype: 'uint8',
    shape: [30, 4, 4, 1],
    data: Uint8Array.from({ length: 30 * 16 }, () => rng.int(256)),
  });
  return file;
}
await initBackend('wasm');

test('a share of the latents is those rows of the whole draw, for every prior', () => {
  const priors = [
    new StandardNormalPrior(3),
    new UniformPrior(2),
    new GaussianMixturePrior(3, [0.3, 0.7], [0, 1, 2, -1, -2, 0.5], [0, -1, 0.5, 0.2, 0, -0.3]),
  ];
  for (const prior of priors) {
    const n = 2500; // more than one chunk of 1024 rows
    const whole = prior.sample(n, new Rng(5).fork('samples'));
    const indices = shareIndices(n, { index: 2, count: 3 });
    const share = latentRows(prior, n, new Rng(5).fork('samples'), indices);
    const expected = Float32Array.from(
      Array.from(indices).flatMap((j) => Array.from(whole.subarray(j * prior.dim, (j + 1) * prior.dim))),
    );
    assert.deepEqual(share, expected, prior.description);
  }
});

for (const [label, path] of [
  ['GAN', 'samples/mnist/gan-dcgan'],
  ['VAE', 'samples/mnist/vae-conv'],
  ['ONNX GAN', 'samples/mnist-onnx/gan'],
  ['ONNX VAE', 'samples/mnist-onnx/vae'],
  ['ONNX flow', 'samples/mnist-onnx/flow'],
  ['hybrid (ONNX VQ-VAE and code prior)', 'samples/mnist/hybrid-vqvae'],
  ['samples-only', storedImages()],
] as const) {
  test(`${label}: the images of a share, in other batches, are those of the whole run`, async () => {
    const { bundle, model } = await loadModel(resolve(root, path));
    try {
      const n = 12;
      const whole = await model.sample(n, samplesRng(3), 5);
      const indices = shareIndices(n, { index: 1, count: 3 });
      const share = await model.sample(n, samplesRng(3), 3, undefined, indices);
      assert.deepEqual(share.data, pickImages(whole, indices).data);
      // The pipeline's stream (batch by batch for latent models) gives the same share.
      const streamed: ImageBatch[] = [];
      for await (const batch of sampleStream(model, n, samplesRng(3), 2, indices)) streamed.push(batch);
      assert.deepEqual(concatImages(streamed).data, share.data);
    } finally {
      disposeBundle(bundle);
    }
  });
}

test('autoregressive: every image draws from its own stream, so a share in other batches gives the same images', async () => {
  const bundle = await loadBundle(await writeTinyAutoregressive(smoothConditionalsWithLeft()));
  const model = modelForBundle(bundle) as AutoregressiveModel;
  // One thread: worker threads take seconds to start, and draw from the same per-image seeds (autoregressive-workers.ts).
  model.workers = 1;
  const n = 9;
  const whole = await model.sample(n, samplesRng(4), 4);
  const indices = shareIndices(n, { index: 0, count: 2 });
  const share = await model.sample(n, samplesRng(4), 2, undefined, indices);
  assert.deepEqual(share.data, pickImages(whole, indices).data);
  // And the images are not all alike: the streams differ per image.
  assert.notDeepEqual(whole.data.subarray(0, 16), whole.data.subarray(16, 32));
  disposeBundle(bundle);
});
