/**
 * The OpenBLAS routes (dsyrk, dgemm, dpotrf + dsygst + dsyevd) against the
 * plain-JS routes they replace. Skipped, with the reason, where OpenBLAS
 * does not load: then only the JS routes run anyway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { fidFromStats } from '../../src/metrics/fid.ts';
import { polynomialMmd2 } from '../../src/metrics/kid.ts';
import { prdcFromFeatures } from '../../src/metrics/prdc.ts';
import { kthNeighbourRadii } from '../../src/metrics/stats/knn-radii.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';
import { openBlas, openBlasUnavailableReason } from '../../src/metrics/stats/openblas.ts';
import { withRowNorms } from '../../src/metrics/stats/pairwise-distances.ts';
import { traceSqrtProduct } from '../../src/metrics/stats/trace-sqrt-product.ts';
import { CASE_NAMES, gaussianFeatures, loadCase, relativeError } from './fixtures.ts';

const blas = openBlas();
const skip = blas ? false : `OpenBLAS unavailable: ${openBlasUnavailableReason()}`;

test('covariances: dsyrk equals the JS scatter to 1e-13 relative (of the diagonal)', { skip }, () => {
  for (const name of CASE_NAMES) {
    const { real } = loadCase(name);
    const a = statsFromFeatures(real, { blas });
    const b = statsFromFeatures(real, { blas: null });
    const d = real.cols;
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        assert.ok(
          Math.abs(a.cov[i * d + j]! - b.cov[i * d + j]!) <= 1e-13 * Math.sqrt(b.cov[i * d + i]! * b.cov[j * d + j]!),
          `${name} [${i}][${j}]`,
        );
      }
  }
});

test('Tr √(Σ1Σ2): Cholesky route, BLAS eigen route and JS route agree to 1e-10 relative', { skip }, () => {
  const rng = new Rng(4);
  const real = statsFromFeatures(
    gaussianFeatures(
      rng,
      400,
      Array(40).fill(0),
      Array.from({ length: 40 }, (_, i) => 0.1 + i / 10),
    ),
  );
  const fake = statsFromFeatures(
    gaussianFeatures(
      rng,
      300,
      Array(40).fill(1),
      Array.from({ length: 40 }, () => Math.exp(rng.normal())),
    ),
  );
  const js = traceSqrtProduct(real.cov, fake.cov, 40, { blas: null });
  const cholesky = traceSqrtProduct(real.cov, fake.cov, 40, { blas });
  const eigen = traceSqrtProduct(real.cov, fake.cov, 40, { blas, cov1Singular: true });
  assert.ok(relativeError(cholesky, js) <= 1e-10, `${cholesky} vs ${js}`);
  assert.ok(relativeError(eigen, js) <= 1e-10, `${eigen} vs ${js}`);
});

test('Tr √(Σ1Σ2) working in its arguments (overwrite) equals the copying route to the bit; a Σ1 dpotrf refuses is restored first', {
  skip,
}, () => {
  const rng = new Rng(6);
  const d = 30;
  const covOf = (n: number, offset: number) =>
    statsFromFeatures(
      gaussianFeatures(
        rng,
        n,
        Array(d).fill(offset),
        Array.from({ length: d }, () => Math.exp(rng.normal())),
      ),
    ).cov;
  const s1 = covOf(200, 0);
  const s2 = covOf(150, 1);
  const copied = traceSqrtProduct(s1, s2, d, { blas });
  assert.equal(traceSqrtProduct(s1.slice(), s2.slice(), d, { blas, overwrite: true }), copied);

  // Indefinite (one negative eigenvalue): dpotrf fails part-way through, the eigenvector route runs on the restored Σ1.
  const indefinite = s1.slice();
  for (let i = 0; i < d; i++) indefinite[i * d + i] = i === d - 1 ? -1 : indefinite[i * d + i]!;
  const expected = traceSqrtProduct(indefinite, s2, d, { blas });
  const work = indefinite.slice();
  assert.equal(traceSqrtProduct(work, s2.slice(), d, { blas, overwrite: true }), expected);
  assert.deepEqual(Array.from(work), Array.from(indefinite), 'Σ1 restored after the failed factorisation');
});

test('FID on every fixture: BLAS and JS within 1e-9 relative; a singular Σ1 is factored second', { skip }, () => {
  for (const name of CASE_NAMES) {
    const { real, fake } = loadCase(name);
    const viaBlas = fidFromStats(statsFromFeatures(real, { blas }), statsFromFeatures(fake, { blas }));
    const viaJs = fidFromStats(statsFromFeatures(real, { blas: null }), statsFromFeatures(fake, { blas: null }));
    assert.ok(relativeError(viaBlas, viaJs) <= 1e-9, `${name}: ${viaBlas} vs ${viaJs}`);
  }
});

test('KID kernel sums: dsyrk/dgemm equal the JS kernel to 1e-12 relative', { skip }, () => {
  for (const name of CASE_NAMES) {
    const { real, fake, expected } = loadCase(name);
    const m = expected.kidOneSubset.subsetSize;
    const x = real.data.subarray(0, m * real.cols);
    const y = fake.data.subarray(0, m * fake.cols);
    assert.ok(
      relativeError(polynomialMmd2(x, y, m, real.cols, blas), polynomialMmd2(x, y, m, real.cols, null)) <= 1e-12,
      name,
    );
  }
});

test('KID subsets beyond 2,048 rows go through row blocks (no m × m matrix) and still equal the JS kernel to 1e-12 relative', {
  skip,
}, () => {
  const m = 2_100;
  const d = 6;
  const rng = new Rng(4);
  const x = Float64Array.from({ length: m * d }, () => rng.normal());
  const y = Float64Array.from({ length: m * d }, () => 0.9 * rng.normal() + 0.1);
  const viaBlocks = polynomialMmd2(x, y, m, d, blas);
  assert.ok(relativeError(viaBlocks, polynomialMmd2(x, y, m, d, null)) <= 1e-12, `${viaBlocks}`);
});

test('PRDC: the same four values with dgemm and with the JS kernel, at any block size', { skip }, () => {
  for (const name of CASE_NAMES) {
    const { real, fake } = loadCase(name);
    const ref = prdcFromFeatures(real, fake, { blas: null });
    assert.deepEqual(prdcFromFeatures(real, fake, { blas }), ref, name);
    assert.deepEqual(prdcFromFeatures(real, fake, { blas, blockRows: 7 }), ref, name);
  }
});

test('k-NN radii: the JS route is exactly tile-invariant; dgemm sums in its own order, so within 2e-15 relative', {
  skip,
}, () => {
  for (const name of CASE_NAMES) {
    const set = withRowNorms(loadCase(name).real);
    const js = kthNeighbourRadii(set, [3, 5], { blas: null, tileRows: 512 });
    for (const tileRows of [1, 7, 64])
      assert.deepEqual(kthNeighbourRadii(set, [3, 5], { blas: null, tileRows }), js, `${name} JS tile ${tileRows}`);
    for (const tileRows of [1, 7, 64, 512]) {
      const viaBlas = kthNeighbourRadii(set, [3, 5], { blas, tileRows });
      viaBlas.forEach((radii, q) =>
        radii.forEach((r, i) =>
          assert.ok(relativeError(r, js[q]![i]!) <= 2e-15, `${name} tile ${tileRows} [${q}][${i}]`),
        ),
      );
    }
  }
});
