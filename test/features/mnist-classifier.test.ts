import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { loadMnistClassifier } from '../../src/features/mnist-classifier.ts';

await initBackend('wasm');

test('the shipped domain classifier scores at least 99.0% on all of MNIST test', async () => {
  const extractor = await loadMnistClassifier();
  try {
    const { images, labels } = loadMnist('test');
    const { features, probabilities } = await extractor.extract(images, 500);
    assert.equal(features.cols, 128);
    assert.equal(extractor.info.dim, 128);
    assert.match(extractor.info.hash, /^[0-9a-f]{64}$/);
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      const row = probabilities!.data.subarray(i * 10, i * 10 + 10);
      let best = 0;
      for (let c = 1; c < 10; c++) if (row[c]! > row[best]!) best = c;
      if (best === labels[i]) correct++;
    }
    assert.ok(correct / labels.length >= 0.99, `accuracy ${correct / labels.length}`);
    // The features are what FID sees: ReLU outputs, finite and not all zero.
    assert.ok(features.data.every((v) => Number.isFinite(v) && v >= 0));
    assert.ok(features.data.some((v) => v > 0));
  } finally {
    extractor.dispose();
  }
});

test('extraction does not depend on the batch size', async () => {
  const extractor = await loadMnistClassifier();
  try {
    const { images } = loadMnist('test', 64);
    const a = await extractor.extract(images, 64);
    const b = await extractor.extract(images, 7);
    for (let i = 0; i < a.features.data.length; i++)
      assert.ok(Math.abs(a.features.data[i]! - b.features.data[i]!) <= 1e-4 * (1 + Math.abs(a.features.data[i]!)));
  } finally {
    extractor.dispose();
  }
});
