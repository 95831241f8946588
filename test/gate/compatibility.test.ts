import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparabilityWarnings, incompatibilities } from '../../src/gate/compatibility.ts';
import { fixtureReport } from './fixtures.ts';

const baseline = fixtureReport('baseline');

test('reports of different models, real data and extractor are refused with every reason', () => {
  assert.deepEqual(incompatibilities(fixtureReport('incompatible'), baseline), [
    'different models (missing from current: vae-mnist; not in baseline: vae-mnist-v2)',
    'different real data (current: MNIST test, 5000 images of 28×28×1; baseline: MNIST test, 10000 images of 28×28×1)',
    'different feature space (current: mnist-classifier 000011112222, layer "dense_1", 128-d; baseline: mnist-classifier 9f2c4e1ab77d, layer "dense_1", 128-d)',
  ]);
});

test('a new bundle hash is what a release changes: the reports still compare', () => {
  const release = fixtureReport('release-regressed');
  assert.notEqual(release.models[0]!.hash, baseline.models[0]!.hash);
  assert.deepEqual(incompatibilities(release, baseline), []);
});

test('a metric whose direction flipped does not compare', () => {
  const current = fixtureReport('release-pass');
  current.metrics[0] = { ...current.metrics[0]!, direction: 'higher' };
  assert.deepEqual(incompatibilities(current, baseline), [
    'metric fid is higher-is-better now but was lower-is-better',
  ]);
});

test('features from another layer of the same extractor are another feature space: refused with both values', () => {
  const current = fixtureReport('release-pass');
  current.extractor = { ...current.extractor, layer: 'logits', dim: 10 };
  assert.deepEqual(incompatibilities(current, baseline), [
    'different feature space (current: mnist-classifier 9f2c4e1ab77d, layer "logits", 10-d; baseline: mnist-classifier 9f2c4e1ab77d, layer "dense_1", 128-d)',
  ]);
});

test('another sample count or seed still compares, with a warning naming both values (FID is biased by n)', () => {
  const current = fixtureReport('release-pass');
  assert.deepEqual(comparabilityWarnings(current, baseline), []);
  current.run = { ...current.run, samples: 500, seed: 7 };
  assert.deepEqual(incompatibilities(current, baseline), []);
  assert.deepEqual(comparabilityWarnings(current, baseline), [
    'different sample counts (current: 500 generated images per model; baseline: 2000): FID and the k-NN metrics are biased by the count (FID upwards at small n), so part of any change comes from it; compare runs with equal --samples',
    'different seeds (current: 7; baseline: 1): other latents, subsets and resamples, so part of any change is sampling noise; a gate compares runs with the same seed',
  ]);
});

test('a later feature space with the same id but another extractor file is refused; an old one-space baseline still compares', () => {
  const first = { ...baseline.extractor, space: baseline.extractor.id };
  const later = {
    ...baseline.extractor,
    id: 'onnx',
    space: 'tiny-inception',
    hash: 'aaaabbbbcccc0000',
    layer: 'output',
    dim: 16,
  };
  const current = { ...fixtureReport('release-pass'), extractors: [first, later] };
  assert.deepEqual(incompatibilities(current, baseline), [], 'the baseline has one space: its plain ids still compare');
  const before = { ...baseline, extractors: [first, { ...later, hash: 'ddddeeeeffff1111' }] };
  assert.deepEqual(incompatibilities(current, before), [
    'different feature space tiny-inception (current: onnx aaaabbbbcccc, layer "output", 16-d; baseline: onnx ddddeeeeffff, layer "output", 16-d)',
  ]);
});
