import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix } from '../../src/core/types.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';
import { CASE_NAMES, gaussianFeatures, loadCase, relativeError } from './fixtures.ts';

test('statsFromFeatures matches np.mean / np.cov(rowvar=False) to 1e-12 relative', () => {
  for (const name of CASE_NAMES) {
    const { real, expected } = loadCase(name);
    const { mean, cov, n } = statsFromFeatures(real);
    const d = real.cols;
    assert.equal(n, real.rows);
    for (let j = 0; j < d; j++)
      assert.ok(
        Math.abs(mean[j]! - expected.realMean[j]!) <= 1e-12 * (1 + Math.abs(expected.realMean[j]!)),
        `${name} mean[${j}]`,
      );
    let trace = 0;
    let frobenius = 0;
    for (let j = 0; j < d; j++) {
      trace += cov[j * d + j]!;
      assert.ok(
        relativeError(cov[j]!, expected.realCovFirstRow[j]!) <= 1e-12 ||
          Math.abs(cov[j]! - expected.realCovFirstRow[j]!) <= 1e-14,
        `${name} cov[0][${j}]`,
      );
    }
    for (const v of cov) frobenius += v * v;
    assert.ok(relativeError(trace, expected.realCovTrace) <= 1e-12, `${name} trace`);
    assert.ok(relativeError(Math.sqrt(frobenius), expected.realCovFrobenius) <= 1e-12, `${name} Frobenius norm`);
  }
});

test('covariance is symmetric and invariant to the row block size (to 1e-13 relative)', () => {
  const m = gaussianFeatures(new Rng(7), 301, [1, -2, 3, 1e3, 0, 5, -4]);
  const ref = statsFromFeatures(m, { blockRows: 301 });
  const d = m.cols;
  for (const blockRows of [1, 7, 64, 1000]) {
    const { cov } = statsFromFeatures(m, { blockRows });
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        assert.equal(cov[i * d + j], cov[j * d + i]);
        assert.ok(
          Math.abs(cov[i * d + j]! - ref.cov[i * d + j]!) <= 1e-13 * Math.abs(ref.cov[i * d + i]!),
          `block ${blockRows} [${i}][${j}]`,
        );
      }
    }
  }
});

test('a large constant offset does not spoil the covariance (two-pass centring)', () => {
  const base = gaussianFeatures(new Rng(3), 500, [0, 0, 0]);
  const shifted = featureMatrix(
    base.rows,
    base.cols,
    base.data.map((v) => v + 1e8),
  );
  const a = statsFromFeatures(base).cov;
  const b = statsFromFeatures(shifted).cov;
  for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) <= 1e-7, `cov[${k}]: ${a[k]} vs ${b[k]}`);
});

test('fewer than two rows is refused', () => {
  assert.throws(() => statsFromFeatures(featureMatrix(1, 3)), /at least 2 rows/);
});
