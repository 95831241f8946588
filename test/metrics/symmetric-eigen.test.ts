import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { symmetricEigen, symmetricEigenvalues } from '../../src/metrics/stats/symmetric-eigen.ts';

/** Q·diag(values)·Qᵀ with Q a random orthogonal matrix (Gram–Schmidt on Gaussian columns, twice). */
function withSpectrum(values: number[], rng: Rng): Float64Array {
  const n = values.length;
  const q = new Float64Array(n * n); // row i = i-th orthonormal vector
  for (let i = 0; i < n; i++) {
    const v = q.subarray(i * n, i * n + n);
    for (let k = 0; k < n; k++) v[k] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const u = q.subarray(j * n, j * n + n);
        let dot = 0;
        for (let k = 0; k < n; k++) dot += u[k]! * v[k]!;
        for (let k = 0; k < n; k++) v[k]! -= dot * u[k]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += v[k]! * v[k]!;
    for (let k = 0; k < n; k++) v[k]! /= Math.sqrt(norm);
  }
  const a = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = r; c < n; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k * n + r]! * values[k]! * q[k * n + c]!;
      a[r * n + c] = s;
      a[c * n + r] = s;
    }
  }
  return a;
}

function randomSpectrum(n: number, rng: Rng): number[] {
  // Repeated values, exact zeros and a spread of magnitudes, as covariances have.
  return Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? 2 : Math.exp(4 * rng.normal())));
}

test('eigenvalues of Q·D·Qᵀ recover D to 1e-9 (relative to the largest)', () => {
  for (const n of [1, 2, 3, 17, 120]) {
    const rng = new Rng(n);
    const spectrum = randomSpectrum(n, rng);
    const a = withSpectrum(spectrum, rng);
    const expected = [...spectrum].sort((x, y) => x - y);
    const scale = Math.max(...expected.map(Math.abs), 1);
    for (const values of [symmetricEigenvalues(a, n), symmetricEigen(a, n).values]) {
      for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(values[i]! - expected[i]!) <= 1e-9 * scale, `n=${n} λ${i}: ${values[i]} vs ${expected[i]}`);
      }
    }
  }
});

test('eigenvectors are orthonormal rows with A·v = λ·v to 1e-9', () => {
  const n = 60;
  const rng = new Rng(11);
  const a = withSpectrum(randomSpectrum(n, rng), rng);
  const { values, vectors } = symmetricEigen(a, n);
  const scale = Math.max(...values.map(Math.abs));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors[j * n + k]!;
      assert.ok(Math.abs(av - values[j]! * vectors[j * n + i]!) <= 1e-9 * scale, `residual λ${j} row ${i}`);
    }
    for (let l = 0; l <= j; l++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vectors[j * n + k]! * vectors[l * n + k]!;
      assert.ok(Math.abs(dot - (j === l ? 1 : 0)) <= 1e-12, `vᵀv [${j}][${l}] = ${dot}`);
    }
  }
});

test('values are ascending; the input is left untouched; diagonal and zero matrices are exact', () => {
  const diag = new Float64Array([3, 0, 0, 0, -1, 0, 0, 0, 2]);
  const copy = Float64Array.from(diag);
  assert.deepEqual([...symmetricEigenvalues(diag, 3)], [-1, 2, 3]);
  assert.deepEqual(diag, copy);
  assert.deepEqual([...symmetricEigenvalues(new Float64Array(16), 4)], [0, 0, 0, 0]);
  assert.throws(() => symmetricEigenvalues(new Float64Array(5), 2), /expected 4 values/);
});
