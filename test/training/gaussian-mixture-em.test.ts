import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import {
  fitGaussianMixture,
  PLAIN_PRODUCTS,
  type MatrixProducts,
} from '../../training/mnist/lib/gaussian-mixture-em.ts';
import { openBlas } from '../../src/metrics/stats/openblas.ts';

test('EM recovers three well-separated diagonal Gaussians, and never lowers the log-likelihood', () => {
  const truth = [
    { weight: 0.2, mean: [-4, 0], sd: [0.5, 1] },
    { weight: 0.3, mean: [0, 5], sd: [1, 0.3] },
    { weight: 0.5, mean: [4, -1], sd: [0.7, 0.7] },
  ];
  const n = 6000;
  const rng = new Rng(11);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    const c = u < 0.2 ? 0 : u < 0.5 ? 1 : 2;
    for (let j = 0; j < 2; j++) data[i * 2 + j] = truth[c]!.mean[j]! + truth[c]!.sd[j]! * rng.normal();
  }
  const fit = fitGaussianMixture(data, n, 2, 3, new Rng(2), {
    maxIterations: 200,
    tolerance: 1e-10,
    varianceFloor: 1e-6,
  });
  for (let t = 1; t < fit.trace.length; t++)
    assert.ok(fit.trace[t]! >= fit.trace[t - 1]! - 1e-12, `iteration ${t} lowered the log-likelihood`);
  assert.ok(Math.abs(fit.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  for (const component of truth) {
    // Match each true component to the fitted one with the nearest mean.
    const c = fit.means
      .map((m, i) => [Math.hypot(m[0]! - component.mean[0]!, m[1]! - component.mean[1]!), i])
      .sort((a, b) => a[0]! - b[0]!)[0]![1]!;
    const se = Math.sqrt((component.weight * (1 - component.weight)) / n);
    assert.ok(Math.abs(fit.weights[c]! - component.weight) < 4 * se, `weight ${fit.weights[c]} vs ${component.weight}`);
    for (let j = 0; j < 2; j++) {
      const count = component.weight * n;
      assert.ok(
        Math.abs(fit.means[c]![j]! - component.mean[j]!) < (4 * component.sd[j]!) / Math.sqrt(count),
        `mean ${fit.means[c]![j]} vs ${component.mean[j]}`,
      );
      assert.ok(
        Math.abs(Math.exp(0.5 * fit.logVariances[c]![j]!) / component.sd[j]! - 1) < 0.06,
        `sd ${Math.exp(0.5 * fit.logVariances[c]![j]!)} vs ${component.sd[j]}`,
      );
    }
  }
});

test('EM is deterministic for a seed, and one component is the sample mean and variance', () => {
  const data = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 1.3) * 3 + (i % 7));
  const a = fitGaussianMixture(data, 200, 2, 4, new Rng(5), { maxIterations: 20, tolerance: 0, varianceFloor: 1e-3 });
  const b = fitGaussianMixture(data, 200, 2, 4, new Rng(5), { maxIterations: 20, tolerance: 0, varianceFloor: 1e-3 });
  assert.deepEqual(a, b);
  const one = fitGaussianMixture(data, 200, 2, 1, new Rng(5), { maxIterations: 5, tolerance: 0, varianceFloor: 1e-3 });
  for (let j = 0; j < 2; j++) {
    const column = Array.from({ length: 200 }, (_, i) => data[i * 2 + j]!);
    const mean = column.reduce((s, v) => s + v, 0) / 200;
    const variance = column.reduce((s, v) => s + (v - mean) ** 2, 0) / 200;
    assert.ok(Math.abs(one.means[0]![j]! - mean) < 1e-12);
    assert.ok(Math.abs(one.logVariances[0]![j]! - Math.log(variance)) < 1e-10);
  }
});

test("EM's plain-loop products (used without OpenBLAS) equal the textbook sums, and OpenBLAS's where it loads, to 1e-12", () => {
  const rng = new Rng(4);
  const [m, n, d] = [7, 5, 9];
  const a = Float64Array.from({ length: m * d }, () => rng.normal());
  const b = Float64Array.from({ length: n * d }, () => rng.normal());
  const c = Float64Array.from({ length: d * n }, () => rng.normal());
  const expectedT = Float64Array.from({ length: m * n }, (_, q) => {
    const [i, j] = [Math.floor(q / n), q % n];
    let s = 0;
    for (let l = 0; l < d; l++) s += a[i * d + l]! * b[j * d + l]!;
    return -0.5 * s;
  });
  const expected = Float64Array.from({ length: m * n }, (_, q) => {
    const [i, j] = [Math.floor(q / n), q % n];
    let s = 0;
    for (let l = 0; l < d; l++) s += a[i * d + l]! * c[l * n + j]!;
    return s;
  });
  const blas = openBlas();
  const routes: [string, MatrixProducts][] = [
    ['plain loops', PLAIN_PRODUCTS],
    ...(blas
      ? [['OpenBLAS', { withTranspose: blas.productWithTranspose, plain: blas.product }] as [string, MatrixProducts]]
      : []),
  ];
  for (const [label, products] of routes) {
    const outT = new Float64Array(m * n).fill(7);
    products.withTranspose(a, m, b, n, d, -0.5, outT);
    const out = new Float64Array(m * n).fill(7);
    products.plain(a, m, d, c, n, out);
    for (let q = 0; q < m * n; q++) {
      assert.ok(Math.abs(outT[q]! - expectedT[q]!) < 1e-12, `${label}: A·Bᵀ entry ${q}`);
      assert.ok(Math.abs(out[q]! - expected[q]!) < 1e-12, `${label}: A·B entry ${q}`);
    }
  }
});
