import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix, type FeatureMatrix } from '../../src/core/types.ts';
import { kidFromFeatures, polynomialMmd2 } from '../../src/metrics/kid.ts';
import { CASE_NAMES, loadCase, relativeError } from './fixtures.ts';

function firstRows(m: FeatureMatrix, rows: number): FeatureMatrix {
  return featureMatrix(rows, m.cols, m.data.slice(0, rows * m.cols));
}

test('one subset of all rows matches torch-fidelity polynomial_mmd to 1e-6 relative', () => {
  for (const name of CASE_NAMES) {
    const { real, fake, expected } = loadCase(name);
    const m = expected.kidOneSubset.subsetSize;
    const direct = polynomialMmd2(
      real.data.subarray(0, m * real.cols),
      fake.data.subarray(0, m * fake.cols),
      m,
      real.cols,
    );
    assert.ok(
      relativeError(direct, expected.kidOneSubset.mmd2) <= 1e-6,
      `${name}: ${direct} vs ${expected.kidOneSubset.mmd2}`,
    );
    // A single subset of every row is a permutation of the same sample: MMD² is order-free.
    const kid = kidFromFeatures(firstRows(real, m), firstRows(fake, m), { seed: 1, subsets: 1, subsetSize: m });
    assert.ok(relativeError(kid.mean, expected.kidOneSubset.mmd2) <= 1e-6, `${name} via subsets: ${kid.mean}`);
    assert.equal(kid.std, 0);
  }
});

test('subsets are drawn real-then-fake from Rng(seed); std is the population std (ddof = 0)', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const subsets = 4;
  const size = 50;
  const kid = kidFromFeatures(real, fake, { seed: 9, subsets, subsetSize: size });

  const rng = new Rng(9);
  const d = real.cols;
  const mmds = Array.from({ length: subsets }, () => {
    const pick = (m: FeatureMatrix, rows: Int32Array) => {
      const out = new Float64Array(rows.length * d);
      rows.forEach((r, i) => out.set(m.data.subarray(r * d, r * d + d), i * d));
      return out;
    };
    const x = pick(real, rng.choose(real.rows, size));
    const y = pick(fake, rng.choose(fake.rows, size));
    return polynomialMmd2(x, y, size, d);
  });
  const mean = mmds.reduce((s, v) => s + v, 0) / subsets;
  const std = Math.sqrt(mmds.reduce((s, v) => s + (v - mean) ** 2, 0) / subsets);
  assert.ok(relativeError(kid.mean, mean) <= 1e-12, `${kid.mean} vs ${mean}`);
  assert.ok(relativeError(kid.std, std) <= 1e-12, `${kid.std} vs ${std}`);
  assert.ok(kid.std > 0);
});

test('KID is deterministic for a seed and changes with it', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const options = { seed: 3, subsets: 5, subsetSize: 60 };
  assert.deepEqual(kidFromFeatures(real, fake, options), kidFromFeatures(real, fake, options));
  assert.notEqual(kidFromFeatures(real, fake, { ...options, seed: 4 }).mean, kidFromFeatures(real, fake, options).mean);
});

test('subset size defaults to 1000 and is cut to the smaller set', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const kid = kidFromFeatures(real, fake, { seed: 0, subsets: 2 });
  assert.equal(kid.subsetSize, Math.min(real.rows, fake.rows));
  assert.equal(kid.subsets, 2);
});

test('identical distributions give KID near 0, distinct ones clearly above (unbiased: may dip below 0)', () => {
  const { real } = loadCase('anisotropic-n300-d8');
  const same = kidFromFeatures(real, real, { seed: 1, subsets: 10, subsetSize: 100 });
  const { fake } = loadCase('anisotropic-n300-d8');
  const apart = kidFromFeatures(real, fake, { seed: 1, subsets: 10, subsetSize: 100 });
  assert.ok(Math.abs(same.mean) < 0.05 * apart.mean, `${same.mean} vs ${apart.mean}`);
});
