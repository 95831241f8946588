import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diagnoseTraining } from '../../src/diagnostics/diagnose.ts';
import { readTrainingLog } from '../../src/diagnostics/training-log.ts';
import { diagnoseBundle, labelHistogram } from '../../src/diagnostics/bundle-diagnostics.ts';
import { DEFAULT_THRESHOLDS } from '../../src/diagnostics/thresholds.ts';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { loadMnistClassifier } from '../../src/features/mnist-classifier.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';

const samples = fileURLToPath(new URL('../../samples/mnist/', import.meta.url));
const DCGAN_LOG = `${samples}gan-dcgan/train-log.csv`;
const CLASSIFIER_LOG = fileURLToPath(new URL('../../extractors/mnist-classifier/train-log.csv', import.meta.url));

test('the sample DCGAN trains healthily: no finding at warning or above', (t) => {
  if (!existsSync(DCGAN_LOG))
    return t.skip(`${DCGAN_LOG} not present (train it with npm run train:mnist -- --family gan)`);
  const d = diagnoseTraining({ model: 'gan-dcgan', log: readTrainingLog(DCGAN_LOG) });
  assert.equal(d.label, 'healthy', d.verdict);
  assert.equal(d.severity, 'info');
  assert.deepEqual(d.findings, []);
});

test('the sample classifier log has no GAN losses and is said to have none', (t) => {
  if (!existsSync(CLASSIFIER_LOG)) return t.skip(`${CLASSIFIER_LOG} not present`);
  const d = diagnoseTraining({ model: 'mnist-classifier', log: readTrainingLog(CLASSIFIER_LOG) });
  assert.equal(d.label, 'no GAN losses');
  assert.match(d.verdict, /found: epoch, loss, accuracy/);
});

test('with the evidence in their samples, the collapsed GAN is flagged and the healthy DCGAN is not', async (t) => {
  const bundles = ['gan-dcgan', 'gan-collapsed'].map((b) => `${samples}${b}`);
  if (!bundles.every((b) => existsSync(`${b}/genmodel.json`))) return t.skip('sample GAN bundles not present');
  await initBackend('wasm');
  const extractor = await loadMnistClassifier();
  try {
    const real = loadMnist('test', 2000);
    const realFeatures = (await extractor.extract(real.images, 500)).features;
    const verdicts: Record<string, string> = {};
    for (const path of bundles) {
      const bundle = await loadBundle(path);
      try {
        const fake = await modelForBundle(bundle).sample(500, new Rng(1).fork('samples'), 250);
        const generated = await extractor.extract(fake, 250);
        const { diagnostics } = diagnoseBundle(
          bundle,
          { generated, real: { features: realFeatures, classHistogram: labelHistogram(real.labels, 10) } },
          DEFAULT_THRESHOLDS,
          () => {},
        );
        verdicts[bundle.manifest.name] = `${diagnostics.label} (${diagnostics.severity}): ${diagnostics.verdict}`;
      } finally {
        disposeBundle(bundle);
      }
    }
    assert.match(verdicts.dcgan!, /^healthy \(info\)/, verdicts.dcgan);
    assert.match(verdicts['dcgan-collapsed']!, /^mode collapse \(critical\)/, verdicts['dcgan-collapsed']);
  } finally {
    extractor.dispose();
  }
});
