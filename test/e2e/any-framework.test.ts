/**
 * One run over a TensorFlow.js bundle, an ONNX bundle of every family at
 * MNIST's size (trained in PyTorch by training/mnist-onnx/train.py), an ONNX GAN
 * without encoder, a samples-only folder and an .onnx file that is not a
 * model: the broken one fails alone with its file named, and every family's
 * sections have numbers: metrics, density (bounds for the VAE and flow, exact
 * for the PixelCNN, none for GANs), invertibility (through the ONNX GAN's
 * encoder, the VAE's, the flow's round trip, the PixelCNN's completion),
 * truncation for the GANs, sampling speed, the runtime and parameter count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sliceImages } from '../../src/core/types.ts';
import { writeImageFolder } from '../../src/data/image-folder.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { runSmall, smallRunConfig } from '../helpers/small-run.ts';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures/models-onnx');
const onnx = join(root, 'samples/mnist-onnx');
const work = mkdtempSync(join(tmpdir(), 'genreport-any-framework-'));

test('tfjs, an ONNX model of every family and samples-only in one report, each with its numbers; a non-model .onnx fails alone', async () => {
  const folder = join(work, 'stored');
  await writeImageFolder(folder, sliceImages(loadMnist('train', 100).images, 0, 100));
  const models = [
    join(root, 'samples/mnist/gan-dcgan'),
    join(onnx, 'gan'),
    join(onnx, 'vae'),
    join(onnx, 'flow'),
    join(onnx, 'pixelcnn'),
    join(fixtures, 'gan-mnist-size'),
    `{ path: ${folder}, name: stored-digits }`,
    join(fixtures, 'bad/not-a-model'),
  ];
  const { data } = runSmall(work, smallRunConfig(models, { batchSize: 50 }), ['--backend', 'wasm']);
  assert.deepEqual(
    data.models.map((m) => [m.name, m.family, m.status]),
    [
      ['dcgan', 'gan', 'ok'],
      ['onnx-gan', 'gan', 'ok'],
      ['onnx-vae', 'vae', 'ok'],
      ['onnx-flow', 'flow', 'ok'],
      ['onnx-pixelcnn', 'autoregressive', 'ok'],
      ['gan-mnist-size', 'gan', 'ok'],
      ['stored-digits', 'unknown', 'ok'],
      ['not-a-model', 'unknown', 'failed'],
    ],
  );
  assert.match(data.models[7]!.error ?? '', /not-a-model\/generator\.onnx: is not a model onnxruntime can load/);
  const measured = data.models.filter((m) => m.status === 'ok').map((m) => m.name);
  const onnxModels = ['onnx-gan', 'onnx-vae', 'onnx-flow', 'onnx-pixelcnn', 'gan-mnist-size'];

  for (const name of measured) {
    const fid = data.results[name]!.fid;
    assert.ok(fid?.kind === 'value' && Number.isFinite(fid.value), `${name}: FID ${JSON.stringify(fid)}`);
    assert.ok(
      data.images.some((i) => i.id === `samples-${name}`),
      `${name}: sample grid`,
    );
  }
  for (const entry of data.models.filter((m) => onnxModels.includes(m.name))) {
    assert.match(
      entry.runtime ?? '',
      /^onnxruntime-node \d+\.\d+\.\d+, (cpu|cuda) execution provider, \d+ threads?$/,
      entry.name,
    );
    assert.ok(entry.parameters > 100, `${entry.name}: ${entry.parameters} parameters`);
    assert.ok(entry.samplesPerSecond! > 0, `${entry.name}: sampling speed`);
  }
  assert.match(data.models[0]!.runtime ?? '', /^TensorFlow\.js /);
  assert.equal(data.models[6]!.runtime, 'stored images (samples only)');

  const density = (name: string) => data.density!.rows.filter((r) => r.model === name);
  assert.deepEqual(
    density('onnx-vae').map((r) => [r.estimator, r.kind]),
    [
      ['elbo', 'bound'],
      ['iwae', 'bound'],
    ],
  );
  assert.deepEqual(
    density('onnx-flow').map((r) => [r.estimator, r.kind]),
    [['dequantized', 'bound']],
  );
  assert.deepEqual(
    density('onnx-pixelcnn').map((r) => [r.estimator, r.kind]),
    [['exact', 'exact']],
  );
  for (const name of ['onnx-vae', 'onnx-flow', 'onnx-pixelcnn']) {
    for (const row of density(name)) {
      // Trained on MNIST for minutes: well under 8 bits/dim (uniform pixels), above 0.
      assert.ok(
        row.bitsPerDim!.value > 0.3 && row.bitsPerDim!.value < 6,
        `${name} ${row.estimator}: ${row.bitsPerDim!.value} bits/dim`,
      );
    }
  }
  assert.ok(density('onnx-pixelcnn')[0]!.label.includes('causality checked'));
  for (const name of ['dcgan', 'onnx-gan'])
    assert.deepEqual(
      density(name).map((r) => r.kind),
      ['none'],
    );
  assert.equal(density('stored-digits')[0]!.label, 'n/a — samples only');

  const inversion = (name: string) => data.invertibility!.rows.find((r) => r.model === name)!;
  assert.equal(inversion('dcgan').method, 'inversion');
  for (const [name, method] of [
    ['onnx-gan', 'reconstruction'],
    ['onnx-vae', 'reconstruction'],
    ['onnx-pixelcnn', 'completion'],
  ] as const) {
    const row = inversion(name);
    assert.equal(row.method, method, `${name}: ${row.reason ?? ''}`);
    // A number, not a quality bar: MSE of [0, 1] pixels lies in (0, 1) (a weak PixelCNN's drawn rows score about 0.25).
    assert.ok(row.mse!.value > 0 && row.mse!.value < 1, `${name}: MSE ${row.mse!.value}`);
  }
  assert.match(inversion('onnx-gan').label, /the bundle encoder's latent/);
  const trip = inversion('onnx-flow');
  assert.equal(trip.method, 'round-trip', trip.reason);
  assert.ok(trip.roundTrip!.imageToImage.max < 1e-3, `flow x → z → x error ${trip.roundTrip!.imageToImage.max}`);
  assert.equal(inversion('gan-mnist-size').method, 'none');
  assert.match(
    inversion('gan-mnist-size').reason ?? '',
    /the generator is ONNX, which gives no gradients here, so its latent cannot be searched for, and the bundle has no encoder/,
  );
  assert.equal(inversion('stored-digits').label, 'n/a — samples only');

  assert.deepEqual(
    data.truncation!.map((t) => t.model),
    ['dcgan', 'onnx-gan', 'gan-mnist-size'],
  );
});
