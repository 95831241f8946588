/**
 * A PixelCNN exported from PyTorch to ONNX (scripts/reference/make-model-fixtures.py):
 * the exact log p(x) matches PyTorch's to 1e-4 nats, after the causality check;
 * the same network with a leaking first mask is refused; sampling runs pixel
 * by pixel through the same file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch } from '../../src/core/types.ts';
import { readNpz } from '../../src/data/npz.ts';
import { conditionalNetwork } from '../../src/models/adapters/autoregressive-networks.ts';
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
    await assert.rejects(
      model.likelihood!.logLikelihood(images, options),
      /ar-leaking\/genmodel\.json: components\.model: the conditional of pixel \(row 0, column 0\) changed when pixel \(row 0, column 0\) changed .*sees the pixel it predicts \(a leaking mask\)/,
    );
  } finally {
    disposeBundle(bundle);
  }
});

test("a context crops each sampling pass of an ONNX PixelCNN: the CIFAR-10 zoo's conditionals on crops equal the whole image's", async () => {
  const { bundle } = await loadModel(resolve(import.meta.dirname, '../../samples/cifar10/pixelcnn'));
  try {
    assert.ok(bundle.manifest.context, "the zoo's PixelCNN declares its context");
    const network = conditionalNetwork(bundle, 'discretized-logistic');
    const m = 2;
    const rng = new Rng(3);
    const levels = Uint8Array.from({ length: m * 32 * 32 * 3 }, () => rng.int(256));
    const whole = await network.parameters(
      Float32Array.from(levels, (k) => k / 255),
      m,
    );
    let worst = 0;
    // Corners, edges and the middle: crops clipped on every side, and whole ones.
    for (const [h, w] of [
      [0, 0],
      [0, 31],
      [1, 2],
      [17, 0],
      [17, 16],
      [31, 31],
      [31, 3],
    ] as [number, number][]) {
      const row = await network.forRow(levels, m, h);
      for (let c = 0; c < 3; c++) {
        const got = await row.pixel(w, c);
        for (let i = 0; i < m; i++) {
          for (let k = 0; k < 2; k++) {
            const want = whole[((i * 32 + h) * 32 + w) * 6 + c * 2 + k]!;
            worst = Math.max(worst, Math.abs(got[i * 2 + k]! - want));
          }
        }
      }
      row.dispose();
    }
    assert.ok(worst < 1e-4, `crop vs whole image: max |Δ| ${worst}`);
  } finally {
    disposeBundle(bundle);
  }
});

test('a context on an ONNX file of fixed image size is refused when sampling, naming the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ar-context-'));
  try {
    cpSync(join(fixtures, 'ar-pixelcnn'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'genmodel.json'), 'utf8'));
    writeFileSync(
      join(dir, 'genmodel.json'),
      JSON.stringify({ ...manifest, context: { rowsAbove: 1, columnsLeft: 1, columnsRight: 1 } }),
    );
    const { bundle, model } = await loadModel(dir);
    try {
      await assert.rejects(
        model.sample(1, new Rng(1), 1),
        /genmodel\.json: context: the model cannot run on a 1x2 crop .*export it with dynamic height and width/,
      );
    } finally {
      disposeBundle(bundle);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
