import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStats } from '../../src/cli/commands/stats.ts';
import { initBackend } from '../../src/core/backend.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { loadMnistClassifier } from '../../src/features/mnist-classifier.ts';
import { referenceExtraction } from '../../src/features/reference-cache.ts';

await initBackend('wasm');
const dir = mkdtempSync(join(tmpdir(), 'genreport-reference-cache-'));
const images = loadMnist('test', 300).images;

test('a run writes the reference cache once, then reuses exactly the same features', async () => {
  const extractor = await loadMnistClassifier();
  try {
    const file = join(dir, 'ref.npz');
    const first = await referenceExtraction(images, 'mnist:test', extractor, 100, file);
    assert.equal(first.origin, 'extracted');
    assert.ok(existsSync(file));
    const second = await referenceExtraction(images, 'mnist:test', extractor, 100, file);
    assert.equal(second.origin, 'reused');
    assert.deepEqual(second.features.data, first.features.data);
    assert.deepEqual(second.probabilities!.data, first.probabilities!.data);
  } finally {
    extractor.dispose();
  }
});

test('a cache made for other data, or another count, is refused naming the file and field', async () => {
  const extractor = await loadMnistClassifier();
  try {
    const file = join(dir, 'other.npz');
    await referenceExtraction(images, 'mnist:test', extractor, 100, file);
    await assert.rejects(referenceExtraction(images, 'mnist:train', extractor, 100, file), (e: Error) =>
      e.message.startsWith(
        `${file}: data.stats: was made for other reference data: source is "mnist:test", the run uses "mnist:train"`,
      ),
    );
    const fewer = loadMnist('test', 200).images;
    await assert.rejects(
      referenceExtraction(fewer, 'mnist:test', extractor, 100, file),
      /it holds 300 images, the run uses 200/,
    );
  } finally {
    extractor.dispose();
  }
});

test('`genreport stats` writes a cache that a run reuses', async () => {
  const file = join(dir, 'from-stats.npz');
  await runStats({ source: 'mnist:test', extractor: 'mnist-classifier', out: file, limit: 300, 'batch-size': 100 });
  const extractor = await loadMnistClassifier();
  try {
    const reused = await referenceExtraction(images, 'mnist:test', extractor, 100, file);
    assert.equal(reused.origin, 'reused');
    assert.equal(reused.features.rows, 300);
  } finally {
    extractor.dispose();
  }
});

test("an ONNX extractor's provenance keys the cache: another resize declaration or file is refused", async () => {
  const { copyFileSync, writeFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { loadOnnxExtractor } = await import('../../src/features/onnx-extractor.ts');
  const net = fileURLToPath(new URL('../fixtures/features/tiny-inception.onnx', import.meta.url));
  const copy = join(dir, 'net.onnx');
  copyFileSync(net, copy);
  writeFileSync(`${copy}.extractor.json`, JSON.stringify({ size: 43, resize: 'bilinear' }));
  const small = images.data.length / 300;
  const few = { ...images, n: 20, data: images.data.slice(0, 20 * small) };
  const file = join(dir, 'onnx.npz');
  const plain = await loadOnnxExtractor(net);
  const resized = await loadOnnxExtractor(copy);
  try {
    assert.equal((await referenceExtraction(few, 'mnist:test', plain, 10, file)).origin, 'extracted');
    assert.equal((await referenceExtraction(few, 'mnist:test', plain, 10, file)).origin, 'reused');
    await assert.rejects(referenceExtraction(few, 'mnist:test', resized, 10, file), (e: Error) =>
      /data\.stats: was made for other reference data: resize is "none \(28×28\); grey → RGB by channel replication", the run uses "bilinear .*28×28 → 43×43; grey → RGB by channel replication"/.test(
        e.message,
      ),
    );
  } finally {
    plain.dispose();
    resized.dispose();
  }
});
