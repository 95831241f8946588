import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fidFromFeatures } from '../../src/metrics/fid.ts';
import { kidFromFeatures } from '../../src/metrics/kid.ts';
import { prdcFromFeatures } from '../../src/metrics/prdc.ts';
import {
  computeMetrics,
  DEFAULT_METRIC_OPTIONS,
  METRIC_GROUPS,
  METRICS,
  metricInfo,
  type MetricGroup,
} from '../../src/metrics/registry.ts';
import { loadCase } from './fixtures.ts';

test('ids are unique, kebab-case, and every entry says how to read it', () => {
  const ids = METRICS.map((m) => m.id);
  assert.deepEqual(ids, ['fid', 'kid', 'precision', 'recall', 'f1', 'density', 'coverage']);
  assert.equal(new Set(ids).size, ids.length);
  for (const m of METRICS) {
    assert.match(m.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(m.label && m.definition && m.reference, m.id);
    assert.ok(m.direction === 'lower' || m.direction === 'higher', m.id);
  }
  assert.equal(metricInfo('fid').direction, 'lower');
  assert.equal(metricInfo('coverage').direction, 'higher');
  assert.throws(() => metricInfo('is'), /unknown metric 'is'/);
});

test('computeMetrics returns what the metric functions return, with n and KID std', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const options = { ...DEFAULT_METRIC_OPTIONS, seed: 5, kidSubsets: 3, kidSubsetSize: 50 };
  const values = computeMetrics(METRICS.map((m) => m.id), real, fake, options);
  const prdc = prdcFromFeatures(real, fake);
  const kid = kidFromFeatures(real, fake, { seed: 5, subsets: 3, subsetSize: 50 });
  assert.deepEqual(values.fid, { value: fidFromFeatures(real, fake), n: fake.rows });
  assert.deepEqual(values.kid, { value: kid.mean, std: kid.std, n: fake.rows });
  for (const id of ['precision', 'recall', 'f1', 'density', 'coverage'] as const) {
    assert.deepEqual(values[id], { value: prdc[id], n: fake.rows }, id);
  }
});

test('a group runs once however many of its ids are asked for, and only when asked', () => {
  const calls: Record<string, number> = {};
  const counted: MetricGroup[] = METRIC_GROUPS.map((g) => ({
    ...g,
    compute: (real, fake, options) => {
      calls[g.id] = (calls[g.id] ?? 0) + 1;
      return g.compute(real, fake, options);
    },
  }));
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const values = computeMetrics(['precision', 'coverage', 'f1'], real, fake, DEFAULT_METRIC_OPTIONS, counted);
  assert.deepEqual(calls, { prdc: 1 });
  assert.deepEqual(Object.keys(values).sort(), ['coverage', 'f1', 'precision']);
  assert.throws(() => computeMetrics(['fid', 'nope'], real, fake), /unknown metric\(s\) nope/);
});
