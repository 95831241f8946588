import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { fidFromFeatures, fidFromStats } from '../../src/metrics/fid.ts';
import { statsFromFeatures, type FeatureStats } from '../../src/metrics/stats/moments.ts';
import { CASE_NAMES, gaussianFeatures, loadCase, relativeError } from './fixtures.ts';

test('FID matches pytorch-fid (scipy sqrtm) and the numpy eigenvalue route to 1e-6 relative, n < d included', () => {
  for (const name of CASE_NAMES) {
    const { real, fake, expected } = loadCase(name);
    const fid = fidFromFeatures(real, fake);
    assert.ok(Number.isFinite(fid), `${name}: ${fid}`);
    assert.ok(relativeError(fid, expected.fidEigen) <= 1e-6, `${name}: ${fid} vs eigen ${expected.fidEigen}`);
    assert.ok(expected.fidSqrtm !== null, `${name}: fixture lacks the pytorch-fid value`);
    assert.ok(relativeError(fid, expected.fidSqrtm) <= 1e-6, `${name}: ${fid} vs sqrtm ${expected.fidSqrtm}`);
  }
});

function diagonalStats(mean: number[], variances: number[]): FeatureStats {
  const d = mean.length;
  const cov = new Float64Array(d * d);
  variances.forEach((v, i) => (cov[i * d + i] = v));
  return { mean: Float64Array.from(mean), cov, n: 0 };
}

test('diagonal covariances give the closed form Σ(√a − √b)² + ‖Δμ‖² to 1e-9', () => {
  const rng = new Rng(5);
  const d = 12;
  const mean1 = Array.from({ length: d }, () => rng.normal());
  const mean2 = Array.from({ length: d }, () => rng.normal());
  // Zeros on both sides test the singular path.
  const var1 = Array.from({ length: d }, (_, i) => (i % 4 === 0 ? 0 : Math.exp(rng.normal())));
  const var2 = Array.from({ length: d }, (_, i) => (i % 3 === 0 ? 0 : Math.exp(rng.normal())));
  let closed = 0;
  for (let i = 0; i < d; i++) closed += (Math.sqrt(var1[i]!) - Math.sqrt(var2[i]!)) ** 2 + (mean1[i]! - mean2[i]!) ** 2;
  const fid = fidFromStats(diagonalStats(mean1, var1), diagonalStats(mean2, var2));
  assert.ok(Math.abs(fid - closed) <= 1e-9, `${fid} vs ${closed}`);
});

test('identical sets give 0 (to rounding: ≤ 1e-10 · trace, never negative)', () => {
  for (const name of CASE_NAMES) {
    const { real } = loadCase(name);
    const stats = statsFromFeatures(real);
    const fid = fidFromStats(stats, stats);
    let trace = 0;
    for (let i = 0; i < real.cols; i++) trace += stats.cov[i * real.cols + i]!;
    assert.ok(fid >= 0 && fid <= 1e-10 * trace, `${name}: ${fid}`);
  }
});

test('N(μ, I) vs N(0, I) samples: FID ≈ ‖μ‖² = 6 within 0.1 for n = 100,000, d = 4 (sd of the estimate ≈ 0.02)', () => {
  const rng = new Rng(2024);
  const mu = [1, 2, 0, -1];
  const fid = fidFromFeatures(gaussianFeatures(rng, 100_000, mu), gaussianFeatures(rng, 100_000, [0, 0, 0, 0]));
  assert.ok(Math.abs(fid - 6) <= 0.1, `${fid}`);
});

test('FID is symmetric in its arguments (to 1e-9 relative)', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const a = statsFromFeatures(real);
  const b = statsFromFeatures(fake);
  assert.ok(relativeError(fidFromStats(a, b), fidFromStats(b, a)) <= 1e-9);
});

test('a clearly negative result (non-PSD input) is raised, not clamped', () => {
  assert.throws(() => fidFromStats(diagonalStats([0, 0], [1, -4]), diagonalStats([0, 0], [0, 0])), /negative \(-3\)/);
});

test('mismatched dimensions are refused', () => {
  assert.throws(() => fidFromStats(diagonalStats([0], [1]), diagonalStats([0, 0], [1, 1])), /dimensions differ/);
});
