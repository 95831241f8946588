import { DIRECTIONS } from '../../src/assemble/direction.ts';
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
  assert.deepEqual(ids, [
    'fid',
    'fid-mean-term',
    'fid-cov-term',
    'kid',
    'cmmd',
    'precision',
    'recall',
    'f1',
    'density',
    'coverage',
    'sliced-wasserstein',
    'nearest-real-distance',
    'classifier-confidence',
    'classifier-score',
    'classes-covered',
    'class-kl',
    'mode-collapse',
    'feature-std-ratio',
    'pairwise-distance-ratio',
    'memorisation-share',
    'memorisation-distance-ratio',
  ]);
  assert.equal(new Set(ids).size, ids.length);
  for (const m of METRICS) {
    assert.match(m.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(m.label && m.definition && m.reference, m.id);
    assert.ok(DIRECTIONS.includes(m.direction), m.id);
    assert.ok(m.families.length > 0, m.id);
  }
  assert.equal(metricInfo('fid').direction, 'lower');
  assert.equal(metricInfo('coverage').direction, 'higher');
  assert.throws(() => metricInfo('is'), /unknown metric "is"; known: fid, /);
});

test('computeMetrics returns what the metric functions return, with n and KID std', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const options = { ...DEFAULT_METRIC_OPTIONS, seed: 5, kidSubsets: 3, kidSubsetSize: 50 };
  const values = computeMetrics(
    METRICS.map((m) => m.id),
    { real: { features: real }, fake: { features: fake } },
    options,
  );
  const prdc = prdcFromFeatures(real, fake);
  const kid = kidFromFeatures(real, fake, { seed: 5, subsets: 3, subsetSize: 50 });
  assert.deepEqual(values.fid, { value: fidFromFeatures(real, fake), n: fake.rows });
  // The per-subset values come along for paired differences between models.
  assert.deepEqual(values.kid, {
    value: kid.mean,
    std: kid.std,
    n: fake.rows,
    paired: { kind: 'subsets', values: kid.perSubset },
  });
  for (const id of ['precision', 'recall', 'f1', 'density', 'coverage'] as const) {
    assert.deepEqual(values[id], { value: prdc[id], n: fake.rows }, id);
  }
});

test('a group runs once however many of its ids are asked for, and only when asked', () => {
  const calls: Record<string, number> = {};
  const counted: MetricGroup[] = METRIC_GROUPS.map((g) => ({
    ...g,
    compute: (input, options) => {
      calls[g.id] = (calls[g.id] ?? 0) + 1;
      return g.compute(input, options);
    },
  }));
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const input = { real: { features: real }, fake: { features: fake } };
  const values = computeMetrics(['precision', 'coverage', 'f1'], input, DEFAULT_METRIC_OPTIONS, counted);
  assert.deepEqual(calls, { prdc: 1 });
  assert.deepEqual(Object.keys(values), ['precision', 'coverage', 'f1']);
  assert.throws(() => computeMetrics(['fid', 'nope'], input), /unknown metric "nope"; known: fid, /);
});

test('a group that lacks an input, or a family a metric does not cover, gives a reason instead of a value', () => {
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const needsTrain: MetricGroup = {
    id: 'needs-train',
    metrics: [{ ...metricInfo('fid'), id: 'memo', families: ['gan', 'vae'] }],
    notApplicable: (input) => (input.train ? null : 'no training set was given'),
    compute: () => ({ memo: { value: 1, n: 1 } }),
  };
  const input = { real: { features: real }, fake: { features: fake } };
  assert.deepEqual(computeMetrics(['memo'], input, DEFAULT_METRIC_OPTIONS, [needsTrain]), {
    memo: { notApplicable: 'no training set was given' },
  });
  assert.deepEqual(computeMetrics(['memo'], { ...input, family: 'flow' }, DEFAULT_METRIC_OPTIONS, [needsTrain]), {
    memo: { notApplicable: 'not defined for flow models' },
  });
  assert.deepEqual(
    computeMetrics(['memo'], { ...input, train: { features: real }, family: 'gan' }, DEFAULT_METRIC_OPTIONS, [
      needsTrain,
    ]),
    {
      memo: { value: 1, n: 1 },
    },
  );
});

test('spread and distance ratios are best at 1, not at either end', () => {
  for (const id of ['feature-std-ratio', 'pairwise-distance-ratio', 'memorisation-distance-ratio'])
    assert.equal(metricInfo(id).direction, 'near-one', id);
});
