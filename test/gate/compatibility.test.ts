import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incompatibilities } from '../../src/gate/compatibility.ts';
import { fixtureReport } from './fixtures.ts';

const baseline = fixtureReport('baseline');

test('reports of different models, real data and extractor are refused with every reason', () => {
  assert.deepEqual(incompatibilities(fixtureReport('incompatible'), baseline), [
    'different models (missing from current: vae-mnist; not in baseline: vae-mnist-v2)',
    'different real data (current: MNIST test, 5000 images of 28×28×1; baseline: MNIST test, 10000 images of 28×28×1)',
    'different feature extractor (current: mnist-classifier 000011112222; baseline: mnist-classifier 9f2c4e1ab77d)',
  ]);
});

test('a new bundle hash is what a release changes: the reports still compare', () => {
  const release = fixtureReport('release-regressed');
  assert.notEqual(release.models[0].hash, baseline.models[0].hash);
  assert.deepEqual(incompatibilities(release, baseline), []);
});

test('a metric whose direction flipped does not compare', () => {
  const current = fixtureReport('release-pass');
  current.metrics[0] = { ...current.metrics[0], direction: 'higher' };
  assert.deepEqual(incompatibilities(current, baseline), ['metric fid is higher-is-better now but was lower-is-better']);
});
