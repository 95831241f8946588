import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureMatrix } from '../../src/core/types.ts';
import { prdcFromFeatures } from '../../src/metrics/prdc.ts';
import { CASE_NAMES, loadCase } from './fixtures.ts';

test('with prK = prdcK = 5, all four values equal clovaai compute_prdc(nearest_k=5) exactly', () => {
  for (const name of CASE_NAMES) {
    const { real, fake, expected } = loadCase(name);
    const r = prdcFromFeatures(real, fake, { prK: 5, prdcK: 5 });
    // P/R use ≤ here and < in prdc: equal unless a distance ties a radius exactly, which random data does not.
    assert.deepEqual(
      { precision: r.precision, recall: r.recall, density: r.density, coverage: r.coverage },
      expected.prdcClovaaiK5,
      name,
    );
  }
});

test('defaults (P/R k = 3 closed balls, D/C k = 5 open balls) match the reference script exactly', () => {
  for (const name of CASE_NAMES) {
    const { real, fake, expected } = loadCase(name);
    const r = prdcFromFeatures(real, fake);
    assert.equal(r.precision, expected.precisionRecallClosedK3.precision, `${name} precision`);
    assert.equal(r.recall, expected.precisionRecallClosedK3.recall, `${name} recall`);
    assert.equal(r.density, expected.prdcClovaaiK5.density, `${name} density`);
    assert.equal(r.coverage, expected.prdcClovaaiK5.coverage, `${name} coverage`);
    const { precision: p, recall: q } = r;
    assert.equal(r.f1, p + q > 0 ? (2 * p * q) / (p + q) : 0);
    const k3 = prdcFromFeatures(real, fake, { prdcK: 3 });
    assert.equal(k3.density, expected.prdcClovaaiK3.density, `${name} density k=3`);
    assert.equal(k3.coverage, expected.prdcClovaaiK3.coverage, `${name} coverage k=3`);
  }
});

test('identical sets: precision = recall = coverage = 1', () => {
  const { real } = loadCase('gauss-n200-d16');
  const r = prdcFromFeatures(real, real);
  assert.equal(r.precision, 1);
  assert.equal(r.recall, 1);
  assert.equal(r.f1, 1);
  assert.equal(r.coverage, 1);
});

test('precision/recall use closed balls (≤), density/coverage open ones (<): an exact tie shows it', () => {
  // Real points 0, 1, 2, 3 on a line: every 1-NN radius is exactly 1. The fake at 4 is
  // exactly 1 from the real point 3; the fake at 0.5 is strictly inside two balls.
  const real = featureMatrix(4, 1, new Float64Array([0, 1, 2, 3]));
  const fake = featureMatrix(2, 1, new Float64Array([4, 0.5]));
  const r = prdcFromFeatures(real, fake, { prK: 1, prdcK: 1 });
  assert.equal(r.precision, 1); // 4 is on the boundary of 3's ball: inside with ≤
  assert.equal(r.density, 2 / 2); // (0 balls for 4 + 2 for 0.5) / (k·M)
  assert.equal(r.coverage, 2 / 4); // only 0 and 1 have a fake strictly within 1
  // Fake radii (k = 1): both 3.5; every real point is within 3.5 of 0.5 or 4.
  assert.equal(r.recall, 1);
});

test('results do not depend on the distance block size', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const ref = prdcFromFeatures(real, fake, { blockRows: 1000 });
  for (const blockRows of [1, 7, 64])
    assert.deepEqual(prdcFromFeatures(real, fake, { blockRows }), ref, `block ${blockRows}`);
});

test('k must be smaller than the set', () => {
  const m = featureMatrix(3, 2);
  assert.throws(() => prdcFromFeatures(m, m, { prK: 3 }), /k = 5 needs more than 3 rows/);
});
