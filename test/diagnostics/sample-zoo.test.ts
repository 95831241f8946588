import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diagnoseTraining } from '../../src/diagnostics/diagnose.ts';
import { readTrainingLog } from '../../src/diagnostics/training-log.ts';

const samples = fileURLToPath(new URL('../../samples/', import.meta.url));
const DCGAN_LOG = `${samples}gan-dcgan/train-log.csv`;
const CLASSIFIER_LOG = `${samples}mnist-classifier/train-log.csv`;

test('the sample DCGAN trains healthily: no finding at warning or above', (t) => {
  if (!existsSync(DCGAN_LOG)) return t.skip(`${DCGAN_LOG} not present (train it with npm run samples:train -- --family gan)`);
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
