import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifierMisfit, NO_CLASSIFIER, spaceIdFor, spaceLabel, spaceMetricId, spaceStatsFile } from '../../src/features/spaces.ts';

const mnist = { info: { id: 'mnist-classifier' } };
const user = { info: { id: 'onnx' } };
const probs = { rows: 1, cols: 10 };
const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

test('space ids: preset, built-in, file base name; unique within a run', () => {
  assert.equal(spaceIdFor('mnist-classifier', new Set()), 'mnist-classifier');
  assert.equal(spaceIdFor('inception-fid=/x/pt_inception.onnx', new Set()), 'inception-fid');
  assert.equal(spaceIdFor('/x/Tiny Inception.onnx', new Set()), 'tiny-inception');
  assert.equal(spaceIdFor('/y/tiny-inception.onnx', new Set(['tiny-inception'])), 'tiny-inception-2');
  assert.equal(spaceMetricId('fid', 'clip', 0), 'fid');
  assert.equal(spaceMetricId('fid', 'clip', 1), 'fid@clip');
  assert.equal(spaceStatsFile('/s/real.npz', 'clip', 0), '/s/real.npz');
  assert.equal(spaceStatsFile('/s/real.npz', 'clip', 1), '/s/real.clip.npz');
  assert.equal(spaceLabel('MNIST domain classifier (samples/mnist-classifier)'), 'MNIST domain classifier');
  assert.equal(spaceLabel('ONNX tiny-inception.onnx'), 'tiny-inception');
});

test('class-based metrics: the MNIST classifier fits MNIST only; a user classifier when its class count is the data\'s', () => {
  assert.equal(classifierMisfit(mnist, { probabilities: probs }, { source: 'mnist:test', classes: digits }), null);
  assert.equal(classifierMisfit(mnist, { probabilities: probs }, { source: '/data/digits', classes: digits }), null);
  assert.match(classifierMisfit(mnist, { probabilities: probs }, { source: 'cifar10:test', classes: ['airplane'] }) ?? '', /no classifier for this data.*does not fit cifar10:test/);
  const cifar = Array.from({ length: 10 }, (_, i) => `c${i}`);
  assert.equal(classifierMisfit(user, { probabilities: probs, classes: cifar }, { source: 'cifar10:test', classes: cifar }), null);
  assert.match(classifierMisfit(user, { probabilities: probs, classes: cifar.slice(0, 5) }, { source: 'cifar10:test', classes: cifar }) ?? '', /5 classes, the real data 10/);
  assert.match(classifierMisfit(user, { probabilities: probs }, { source: 'cifar10:test', classes: cifar }) ?? '', /declares no classes/);
  assert.equal(classifierMisfit(user, {}, { source: 'cifar10:test' }), NO_CLASSIFIER);
});
