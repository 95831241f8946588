import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifierMisfit,
  classifierSpace,
  labelsFitClasses,
  NO_CLASSIFIER,
  spaceIdFor,
  spaceLabel,
  spaceMetricId,
  spaceStatsFile,
} from '../../src/features/spaces.ts';

const mnist = { info: { id: 'mnist-classifier' } };
const user = { info: { id: 'onnx' } };
const probs = { rows: 1, cols: 10 };
const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

test('space ids: preset, built-in, file base name; unique within a run', () => {
  assert.equal(spaceIdFor('mnist-classifier', new Set()), 'mnist-classifier');
  assert.equal(spaceIdFor('inception-fid=/x/pt_inception.onnx', new Set()), 'inception-fid');
  assert.equal(spaceIdFor('/x/Tiny Inception.onnx', new Set()), 'tiny-inception');
  assert.equal(spaceIdFor('/y/tiny-inception.onnx', new Set(['tiny-inception'])), 'tiny-inception-2');
  assert.equal(spaceIdFor('/z/my-classifier/model.json', new Set()), 'my-classifier');
  assert.equal(spaceIdFor('/z/classifier.json', new Set()), 'classifier');
  assert.equal(spaceMetricId('fid', 'clip', 0), 'fid');
  assert.equal(spaceMetricId('fid', 'clip', 1), 'fid@clip');
  assert.equal(spaceStatsFile('/s/real.npz', 'clip', 0), '/s/real.npz');
  assert.equal(spaceStatsFile('/s/real.npz', 'clip', 1), '/s/real.clip.npz');
  assert.equal(spaceLabel('MNIST domain classifier (extractors/mnist-classifier)'), 'MNIST domain classifier');
  assert.equal(spaceLabel('ONNX tiny-inception.onnx'), 'tiny-inception');
});

test('class-based metrics: the MNIST classifier fits MNIST only; a user classifier when it names its classes, any number', () => {
  assert.equal(classifierMisfit(mnist, { probabilities: probs }, { source: 'mnist:test', classes: digits }), null);
  assert.equal(classifierMisfit(mnist, { probabilities: probs }, { source: '/data/digits', classes: digits }), null);
  assert.match(
    classifierMisfit(mnist, { probabilities: probs }, { source: 'cifar10:test', classes: ['airplane'] }) ?? '',
    /no classifier for this data.*does not fit cifar10:test/,
  );
  const cifar = Array.from({ length: 10 }, (_, i) => `c${i}`);
  assert.equal(
    classifierMisfit(user, { probabilities: probs, classes: cifar }, { source: 'cifar10:test', classes: cifar }),
    null,
  );
  assert.equal(
    classifierMisfit(
      user,
      { probabilities: probs, classes: cifar.slice(0, 5) },
      { source: 'cifar10:test', classes: cifar },
    ),
    null,
  );
  assert.equal(classifierMisfit(user, { probabilities: probs, classes: ['x', 'y'] }, { source: '/data/faces' }), null);
  assert.match(
    classifierMisfit(user, { probabilities: probs }, { source: 'cifar10:test', classes: cifar }) ?? '',
    /declares no classes/,
  );
  assert.equal(classifierMisfit(user, {}, { source: 'cifar10:test' }), NO_CLASSIFIER);
});

test("the real data's labels stand for a classifier's classes only when they are the same classes, in order", () => {
  const cifar = ['airplane', 'automobile', 'bird'];
  assert.equal(labelsFitClasses(mnist, {}, { source: 'mnist:test', classes: digits }), true);
  assert.equal(labelsFitClasses(user, { classes: cifar }, { source: '/d', classes: cifar }), true);
  assert.equal(
    labelsFitClasses(user, { classes: ['automobile', 'airplane', 'bird'] }, { source: '/d', classes: cifar }),
    false,
    'same names, other order',
  );
  assert.equal(
    labelsFitClasses(user, { classes: ['a', 'b', 'c'] }, { source: '/d', classes: cifar }),
    false,
    'same count, other names',
  );
  assert.equal(labelsFitClasses(user, { classes: cifar }, { source: '/d' }), false, 'no labels');
});

test('the class space is the first whose classifier fits, a later one included; else the first reason', () => {
  const features = { extractor: user, extraction: {} };
  const named = { extractor: user, extraction: { probabilities: probs, classes: ['a', 'b'] } };
  assert.deepEqual(classifierSpace([features, named], { source: '/d', classes: ['a', 'b'] }), {
    index: 1,
    labels: true,
  });
  assert.deepEqual(classifierSpace([features, named], { source: '/d' }), { index: 1, labels: false });
  assert.deepEqual(
    classifierSpace([{ extractor: mnist, extraction: { probabilities: probs } }, named], {
      source: 'mnist:test',
      classes: digits,
    }),
    { index: 0, labels: true },
  );
  const r = classifierSpace([features, { extractor: mnist, extraction: { probabilities: probs } }], {
    source: 'cifar10:test',
  });
  assert.match('misfit' in r ? r.misfit : '', /MNIST digit classifier does not fit cifar10:test/);
  assert.deepEqual(classifierSpace([features], { source: '/d' }), { misfit: NO_CLASSIFIER });
});
