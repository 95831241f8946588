/**
 * Before an exact likelihood: single-pixel changes must not move any earlier
 * conditional. A PixelCNN-like model whose kernel reads the pixel it predicts
 * (a leaking mask) fails with the file named; the causal one passes and says
 * it was checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch } from '../../src/core/types.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { loadModel } from '../../src/models/load-model.ts';
import { loadTfjsModel, saveLayersModel } from '../../src/models/tfjs-files.ts';
import { AR_SIDE, smoothConditionals, writeTinyAutoregressive } from '../helpers/tiny-autoregressive.ts';

await initBackend('wasm');

function images(n: number) {
  const d = AR_SIDE * AR_SIDE;
  return imageBatch(
    n,
    AR_SIDE,
    AR_SIDE,
    1,
    Float32Array.from({ length: n * d }, (_, i) => ((i * 37) % 256) / 255),
  );
}

const options = { rng: new Rng(1), batchSize: 8, samples: 1, source: 'test images' };

test('a causal model passes, and its estimate says the check ran', async () => {
  const { bundle, model } = await loadModel(await writeTinyAutoregressive(smoothConditionals()));
  try {
    const [estimate] = await model.likelihood!.logLikelihood(images(3), options);
    assert.match(estimate!.label, /causality checked: 6 single-pixel changes in 2 images moved no earlier conditional/);
  } finally {
    disposeBundle(bundle);
  }
});

for (const [what, tap] of [
  ['the pixel it predicts', 4],
  ['a later pixel', 5],
] as const) {
  test(`a tfjs model whose kernel reads ${what} fails, naming the file and component`, async () => {
    const dir = await writeTinyAutoregressive(smoothConditionals());
    // Tap 4 of the 3×3 kernel is the centre (the pixel itself), tap 5 the pixel to its right.
    const saved = (await loadTfjsModel(join(dir, 'model/model.json'))) as tf.LayersModel;
    const [kernel, bias] = saved.layers[0]!.getWeights();
    const values = kernel!.dataSync().slice();
    for (let k = 0; k < 256; k++) values[tap * 256 + k] = Math.sin(k / 9);
    saved.layers[0]!.setWeights([tf.tensor4d(values, [3, 3, 1, 256]), bias!]);
    await saveLayersModel(saved, join(dir, 'model'));
    saved.dispose();
    const { bundle, model } = await loadModel(dir);
    try {
      await assert.rejects(
        model.likelihood!.logLikelihood(images(3), options),
        new RegExp(
          `genmodel\\.json: components\\.model: the conditional of pixel \\(row \\d, column \\d\\) changed when pixel \\(row \\d, column \\d\\) changed .*the model sees ${what} \\(a leaking mask\\)`,
        ),
      );
    } finally {
      disposeBundle(bundle);
    }
  });
}
