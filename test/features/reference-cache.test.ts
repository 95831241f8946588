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
      e.message.startsWith(`${file}: data.stats: was made for other reference data: source is "mnist:test", the run uses "mnist:train"`),
    );
    const fewer = loadMnist('test', 200).images;
    await assert.rejects(referenceExtraction(fewer, 'mnist:test', extractor, 100, file), /it holds 300 images, the run uses 200/);
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
