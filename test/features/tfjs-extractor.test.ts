/**
 * A TensorFlow.js LayersModel as a declared extractor: the shipped MNIST
 * classifier, named by its model.json with a sidecar choosing the
 * "features" layer, gives what the built-in extractor gives; and the tiny
 * Inception of the ONNX test, rebuilt in tfjs with PyTorch's weights
 * (scripts/reference/make-tfjs-feature-fixture.ts), gives PyTorch's features.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../src/core/backend.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { loadImageFolder } from '../../src/data/image-folder.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { readNpy } from '../../src/data/npy.ts';
import { CLASSIFIER_DIR, loadMnistClassifier } from '../../src/features/mnist-classifier.ts';
import { extractorKind } from '../../src/features/registry.ts';
import { loadTfjsExtractor } from '../../src/features/tfjs-extractor.ts';
import { maxRelative } from '../helpers/relative-error.ts';

const FIX = fileURLToPath(new URL('../fixtures/features/', import.meta.url));
const TINY = join(FIX, 'tiny-inception-tfjs', 'model.json');

await initBackend('wasm');

function classifierCopy(sidecar?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-tfjs-'));
  for (const f of ['model.json', 'weights.bin']) copyFileSync(join(CLASSIFIER_DIR, f), join(dir, f));
  const file = join(dir, 'model.json');
  if (sidecar) writeFileSync(`${file}.extractor.json`, JSON.stringify(sidecar));
  return file;
}

test('a model.json is the tfjs kind', () => {
  assert.equal(extractorKind('some/model.json').id, 'tfjs');
  assert.equal(extractorKind('net.onnx').id, 'onnx');
});

test("a LayersModel with a layer name gives the built-in classifier's features and probabilities", async () => {
  const { images } = loadMnist('test', 64);
  const builtin = await loadMnistClassifier();
  const declared = await loadTfjsExtractor(
    classifierCopy({
      channels: 1,
      features: 'features',
      probabilities: 'probabilities',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    }),
  );
  try {
    const a = await builtin.extract(images, 64);
    const b = await declared.extract(images, 20);
    assert.equal(b.features.cols, 128);
    assert.equal(declared.info.kind, 'tfjs');
    assert.equal(declared.info.output, 'features');
    let worst = 0;
    for (let i = 0; i < a.features.data.length; i++)
      worst = Math.max(worst, Math.abs(a.features.data[i]! - b.features.data[i]!));
    assert.ok(worst <= 1e-5, `max |difference| ${worst}`);
    for (let i = 0; i < a.probabilities!.data.length; i++)
      assert.ok(Math.abs(a.probabilities!.data[i]! - b.probabilities!.data[i]!) <= 1e-6);
    assert.equal(b.classes?.length, 10);
  } finally {
    builtin.dispose();
    declared.dispose();
  }
});

test('without a sidecar, a grey model refuses RGB-declared input; an unknown layer is named', async () => {
  await assert.rejects(
    loadTfjsExtractor(classifierCopy()),
    (e: unknown) =>
      e instanceof GenreportError && /takes 1 channel\(s\) on axis 3 \(NHWC\), the declaration says 3/.test(e.message),
  );
  await assert.rejects(
    loadTfjsExtractor(classifierCopy({ channels: 1, features: 'pool5' })),
    (e: unknown) => e instanceof GenreportError && /features: names output "pool5"/.test(e.message),
  );
});

for (const set of ['a', 'b'] as const) {
  test(`the tfjs twin of tiny-inception gives PyTorch's features of images-${set} (1e-5 relative) from its "pool" layer, and its head's probabilities`, async () => {
    const images = await loadImageFolder(join(FIX, `images-${set}`));
    const extractor = await loadTfjsExtractor(TINY);
    try {
      const r = await extractor.extract(images, 10);
      const expected = readNpy(join(FIX, `features-${set}.npy`));
      assert.deepEqual([r.features.rows, r.features.cols], expected.shape);
      const rel = maxRelative(r.features.data, expected.data as Float32Array, r.features.cols);
      process.stderr.write(`tfjs images-${set}: max relative error vs PyTorch ${rel.toExponential(2)}\n`);
      assert.ok(rel <= 1e-5, `max relative error ${rel}`);
      const probs = readNpy(join(FIX, `probabilities-${set}.npy`));
      assert.deepEqual([r.probabilities!.rows, r.probabilities!.cols], probs.shape);
      assert.ok(maxRelative(r.probabilities!.data, probs.data as Float32Array, 3) <= 1e-5);
      assert.deepEqual(r.classes, ['class 0', 'class 1', 'class 2']);
      assert.equal(extractor.info.output, 'pool');
      assert.equal(extractor.info.dim, 16);
    } finally {
      extractor.dispose();
    }
  });
}
