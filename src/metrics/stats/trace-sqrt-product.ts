/**
 * Tr √(Σ1·Σ2) for symmetric positive semi-definite Σ1, Σ2, from eigenvalues
 * only: no matrix square root, no complex numbers.
 *
 * With Σ1 = V·D·Vᵀ and S = V·√D⁺·Vᵀ, Σ1·Σ2 = S·(S·Σ2) has the same non-zero
 * eigenvalues as the symmetric PSD matrix S·Σ2·S, which is orthogonally
 * similar to M = √D⁺·(Vᵀ·Σ2·V)·√D⁺. So Tr √(Σ1Σ2) = Σ √λ_i(M). This holds
 * for singular Σ1 (n < d), where scipy's sqrtm loses accuracy.
 */
import { symmetricEigen, symmetricEigenvalues } from './symmetric-eigen.ts';

export function traceSqrtProduct(cov1: Float64Array, cov2: Float64Array, d: number): number {
  const { values, vectors: vt } = symmetricEigen(cov1, d); // row j of vt is eigenvector j
  // Eigenvalues of a PSD matrix that come out slightly negative are rounding: clip to 0.
  const root = values.map((v) => Math.sqrt(Math.max(v, 0)));

  // t = Vᵀ·Σ2, then b = t·V; both as row-by-row dot products because Σ2 is symmetric.
  const t = rowProducts(vt, cov2, d);
  const b = rowProducts(t, vt, d);

  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      // Average the two triangles: b is symmetric up to rounding, M must be exactly.
      const v = 0.5 * (b[i * d + j] + b[j * d + i]) * root[i] * root[j];
      m[i * d + j] = v;
      m[j * d + i] = v;
    }
  }
  let trace = 0;
  for (const lambda of symmetricEigenvalues(m, d)) trace += Math.sqrt(Math.max(lambda, 0));
  return trace;
}

/** out = a·bᵀ for d × d row-major matrices (out[i][j] = row_i(a) · row_j(b)). */
function rowProducts(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const ai = i * d;
    for (let j = 0; j < d; j++) {
      const bj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += a[ai + k] * b[bj + k];
      out[ai + j] = s;
    }
  }
  return out;
}
