/**
 * CMMD against a numpy implementation of the paper's formula, and FID's two
 * terms against numpy float64, on committed fixtures
 * (scripts/reference/make-feature-fixtures.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { featureMatrix, type FeatureMatrix } from '../../src/core/types.ts';
import { readNpy, toFeatureMatrix } from '../../src/data/npy.ts';
import { readNpz } from '../../src/data/npz.ts';
import { cmmdFromFeatures } from '../../src/metrics/cmmd.ts';
import { fidFromFeatures } from '../../src/metrics/fid.ts';
import { fidTermsFromFeatures } from '../../src/metrics/fid-terms.ts';
import { computeMetrics, isNotApplicable, metricInfo } from '../../src/metrics/registry.ts';

const FIX = new URL('../fixtures/features/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('reference.json', FIX), 'utf8'));
const features = (name: string): FeatureMatrix => toFeatureMatrix(readNpy(fileURLToPath(new URL(name, FIX))), name);
const sets = readNpz(fileURLToPath(new URL('cmmd-sets.npz', FIX)));

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test('CMMD equals numpy on random sets of different sizes (1e-12 relative)', () => {
  const x = toFeatureMatrix(sets.x!, 'x');
  const y = toFeatureMatrix(sets.y!, 'y');
  assert.equal(x.rows, 40);
  assert.equal(y.rows, 30);
  const value = cmmdFromFeatures(x, y);
  assert.ok(rel(value, reference.cmmd_sets) < 1e-12, `${value} vs ${reference.cmmd_sets}`);
});

test("CMMD equals numpy on the network's features (1e-10 relative)", () => {
  const value = cmmdFromFeatures(features('features-a.npy'), features('features-b.npy'));
  assert.ok(rel(value, reference.cmmd_features) < 1e-10, `${value} vs ${reference.cmmd_features}`);
});

test('CMMD is the unbiased estimator, written out pair by pair, and symmetric', () => {
  const x = toFeatureMatrix(sets.x!, 'x');
  const y = toFeatureMatrix(sets.y!, 'y');
  const k = (p: FeatureMatrix, i: number, q: FeatureMatrix, j: number) => {
    let d2 = 0;
    for (let c = 0; c < p.cols; c++) d2 += (p.data[i * p.cols + c]! - q.data[j * q.cols + c]!) ** 2;
    return Math.exp(-d2 / 200);
  };
  let xx = 0,
    yy = 0,
    xy = 0;
  for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) if (i !== j) xx += k(x, i, x, j);
  for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) if (i !== j) yy += k(y, i, y, j);
  for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) xy += k(x, i, y, j);
  const direct = 1000 * (xx / (40 * 39) + yy / (30 * 29) - (2 * xy) / (40 * 30));
  assert.ok(rel(cmmdFromFeatures(x, y), direct) < 1e-12);
  assert.ok(Math.abs(cmmdFromFeatures(x, y) - cmmdFromFeatures(y, x)) < 1e-12);
});

test('FID mean and covariance terms equal numpy float64 and sum to FID', () => {
  const a = features('features-a.npy');
  const b = features('features-b.npy');
  const t = fidTermsFromFeatures(a, b);
  assert.ok(rel(t.meanTerm, reference.fid_mean_term) < 1e-10, `mean term ${t.meanTerm}`);
  assert.ok(rel(t.covTerm, reference.fid_cov_term) < 1e-8, `cov term ${t.covTerm}`);
  assert.ok(rel(t.meanTerm + t.covTerm, fidFromFeatures(a, b)) < 1e-12);
  assert.ok(rel(fidFromFeatures(a, b), reference.fid) < 1e-10);
});

test('the registry computes cmmd, fid-mean-term and fid-cov-term by id', () => {
  const input = { real: { features: features('features-a.npy') }, fake: { features: features('features-b.npy') } };
  const r = computeMetrics(['fid', 'fid-mean-term', 'fid-cov-term', 'cmmd'], input);
  const v = (id: string) => {
    const m = r[id]!;
    assert.ok(!isNotApplicable(m));
    return m.value;
  };
  assert.ok(rel(v('fid-mean-term') + v('fid-cov-term'), v('fid')) < 1e-12);
  assert.ok(rel(v('cmmd'), reference.cmmd_features) < 1e-10);
  assert.equal(metricInfo('cmmd').direction, 'lower');
  assert.match(metricInfo('cmmd').definition, /σ = 10, × 1000/);
});

test('CMMD of one generated sample is not applicable', () => {
  const one = { features: featureMatrix(1, 16) };
  const r = computeMetrics(['cmmd'], { real: { features: features('features-a.npy') }, fake: one });
  assert.ok(isNotApplicable(r.cmmd!));
});
