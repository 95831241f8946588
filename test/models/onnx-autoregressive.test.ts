/**
 * A PixelCNN exported from PyTorch to ONNX (scripts/reference/make-model-fixtures.py):
 * the exact log p(x) matches PyTorch's to 1e-4 nats, after the causality check;
 * the same network with a leaking first mask is refused; sampling runs pixel
 * by pixel through the same file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch } from '../../src/core/types.ts';
import { readNpz } from '../../src/data/npz.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { loadModel } from '../../src/models/load-model.ts';

await initBackend('wasm');
const fixtures = resolve(import.meta.dirname, '../fixtures/models-onnx');
const options = { rng: new Rng(1), batchSize: 4, samples: 1, source: 'fixture images' };

function referenceImages(name: string) {
  const ref = readNpz(join(fixtures, name, 'reference.npz'));
  const [n, h, w, c] = ref.images!.shape as [number, number, number, number];
  return { images: imageBatch(n, h, w, c, ref.images!.data as Float32Array), logPx: ref.log_px!.data };
}

test('ar-pixelcnn: exact log p(x) equals PyTorch to 1e-4 nats; samples come pixel by pixel', async () => {
  const { images, logPx } = referenceImages('ar-pixelcnn');
  const { bundle, model } = await loadModel(join(fixtures, 'ar-pixelcnn'));
  try {
    const [estimate] = await model.likelihood!.logLikelihood(images, options);
    assert.equal(estimate!.kind, 'exact');
    assert.match(estimate!.label, /causality checked/);
    const nats = Math.max(...Array.from(estimate!.logLikelihoods, (v, i) => Math.abs(v - logPx[i]!)));
    console.log(`ar-pixelcnn: exact log p(x) max |Δ| vs PyTorch ${nats.toExponential(2)} nats`);
    assert.ok(nats <= 1e-4, `${nats} nats`);
    const samples = await model.sample(2, new Rng(2), 2);
    assert.deepEqual([samples.n, samples.height, samples.width, samples.channels], [2, 6, 6, 1]);
    assert.equal(model.samplingThreads?.(8, 2), 1);
  } finally {
    disposeBundle(bundle);
  }
});

test('ar-leaking: a first mask that shows the pixel itself is refused, naming the file', async () => {
  const { images } = referenceImages('ar-leaking');
  const { bundle, model } = await loadModel(join(fixtures, 'ar-leaking'));
  try {
    await assert.rejects(model.likelihood!.logLikelihood(images, options), /ar-leaking\/genmodel\.json: components\.model: the conditional of pixel \(row 0, column 0\) changed when pixel \(row 0, column 0\) changed .*sees the pixel it predicts \(a leaking mask\)/);
  } finally {
    disposeBundle(bundle);
  }
});
