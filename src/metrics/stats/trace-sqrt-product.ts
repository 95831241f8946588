/**
 * Tr √(Σ1·Σ2) for symmetric positive semi-definite Σ1, Σ2, from eigenvalues
 * only: no matrix square root, no complex numbers.
 *
 * With Σ1 = V·D·Vᵀ and S = V·√D⁺·Vᵀ, Σ1·Σ2 = S·(S·Σ2) has the same non-zero
 * eigenvalues as the symmetric PSD matrix S·Σ2·S, which is orthogonally
 * similar to M = √D⁺·(Vᵀ·Σ2·V)·√D⁺. So Tr √(Σ1Σ2) = Σ √λ_i(M). This holds
 * for singular Σ1 (n < d), where scipy's sqrtm loses accuracy.
 *
 * With OpenBLAS there is a cheaper route when Σ1 is positive definite:
 * Σ1 = L·Lᵀ (dpotrf), and Σ1·Σ2 = L·(Lᵀ·Σ2·L)·L⁻¹ is similar to the
 * symmetric Lᵀ·Σ2·L (dsygst), whose eigenvalues alone (dsyevd 'N') give the
 * trace: one factorisation and one values-only eigensolve, no eigenvectors.
 * Where Σ1 is singular (known from n ≤ d, or dpotrf says so) the eigenvector
 * route above runs on BLAS instead; without BLAS it runs in plain JS.
 */
import { openBlas, type Blas } from './openblas.ts';
import { symmetricEigen, symmetricEigenvalues } from './symmetric-eigen.ts';

export interface TraceSqrtOptions {
  /** Σ1 is known to be singular (fitted to n ≤ d rows): skip the Cholesky attempt. */
  cov1Singular?: boolean;
  /** OpenBLAS to use; null forces plain JS; default: openBlas(). */
  blas?: Blas | null;
  /**
   * The caller is done with both matrices: the BLAS route may work in them
   * instead of in copies (two d × d copies are a fifth of the factor-and-
   * eigensolve time at d = 2,048, most of it in page faults of fresh memory).
   */
  overwrite?: boolean;
}

export function traceSqrtProduct(
  cov1: Float64Array,
  cov2: Float64Array,
  d: number,
  options: TraceSqrtOptions = {},
): number {
  const blas = options.blas === undefined ? openBlas() : options.blas;
  if (!blas) return traceSqrtProductJs(cov1, cov2, d);
  if (!options.cov1Singular) {
    const diagonal = options.overwrite ? cov1.filter((_, k) => k % (d + 1) === 0) : null;
    const l = options.overwrite ? cov1 : cov1.slice();
    if (blas.choleskyLower(l, d)) {
      const m = options.overwrite ? cov2 : cov2.slice();
      blas.congruenceByCholesky(m, l, d);
      return sumOfRoots(blas.symmetricEigen(m, d, false));
    }
    if (diagonal) restoreFromLowerTriangle(cov1, diagonal, d);
  }
  return traceSqrtProductEigenBlas(cov1, cov2, d, blas);
}

/**
 * Undoes a failed dpotrf in place: Fortran's lower triangle is the row-major
 * upper one, so the factorisation wrote only the diagonal and the upper
 * triangle, and the symmetric matrix is the untouched lower one mirrored.
 */
function restoreFromLowerTriangle(a: Float64Array, diagonal: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    a[i * d + i] = diagonal[i]!;
    for (let j = i + 1; j < d; j++) a[i * d + j] = a[j * d + i]!;
  }
}

/** The eigenvector route on BLAS: M = √D·(Vᵀ·Σ2·V)·√D by two dgemm calls. */
function traceSqrtProductEigenBlas(cov1: Float64Array, cov2: Float64Array, d: number, blas: Blas): number {
  const vt = cov1.slice();
  const values = blas.symmetricEigen(vt, d, true); // row j of vt is eigenvector j
  const t = new Float64Array(d * d);
  blas.product(vt, d, d, cov2, d, t); // Vᵀ·Σ2
  const b = new Float64Array(d * d);
  blas.productWithTranspose(t, d, vt, d, d, 1, b); // (Vᵀ·Σ2)·V
  return sumOfRoots(blas.symmetricEigen(scaledSymmetric(b, values, d), d, false));
}

/**
 * Σ √λ over the eigenvalues of a PSD matrix above its rounding noise,
 * d·ε·λmax. Below it (slightly negative, or slightly positive where the matrix
 * is singular, as M is when Σ1 or Σ2 is) λ is 0 up to rounding, and its root,
 * about √(ε·‖M‖) per direction, would make the trace depend on which solver
 * rounded it (OpenBLAS's kernels differ from one processor to the next).
 */
function sumOfRoots(values: Float64Array): number {
  let largest = 0;
  for (const lambda of values) largest = Math.max(largest, lambda);
  const noise = values.length * Number.EPSILON * largest;
  let trace = 0;
  for (const lambda of values) if (lambda > noise) trace += Math.sqrt(lambda);
  return trace;
}

/**
 * √D·B·√D with B's two triangles averaged: B is symmetric up to rounding, the
 * result must be exactly. Eigenvalues of Σ1 below d·ε·λmax are rounding noise
 * of a singular Σ1 (n ≤ d); they count as 0, since a noise eigenvalue λ would
 * otherwise add about √(ε·‖M‖) per direction to the trace.
 */
function scaledSymmetric(b: Float64Array, values: Float64Array, d: number): Float64Array {
  let largest = 0;
  for (const v of values) largest = Math.max(largest, v);
  const noise = d * Number.EPSILON * largest;
  const root = values.map((v) => (v > noise ? Math.sqrt(v) : 0));
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = 0.5 * (b[i * d + j]! + b[j * d + i]!) * root[i]! * root[j]!;
      m[i * d + j] = v;
      m[j * d + i] = v;
    }
  }
  return m;
}

function traceSqrtProductJs(cov1: Float64Array, cov2: Float64Array, d: number): number {
  const { values, vectors: vt } = symmetricEigen(cov1, d); // row j of vt is eigenvector j
  // t = Vᵀ·Σ2, then b = t·V; both as row-by-row dot products because Σ2 is symmetric.
  const t = rowProducts(vt, cov2, d);
  const b = rowProducts(t, vt, d);
  return sumOfRoots(symmetricEigenvalues(scaledSymmetric(b, values, d), d));
}

/** out = a·bᵀ for d × d row-major matrices (out[i][j] = row_i(a) · row_j(b)). */
function rowProducts(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const ai = i * d;
    for (let j = 0; j < d; j++) {
      const bj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += a[ai + k]! * b[bj + k]!;
      out[ai + j] = s;
    }
  }
  return out;
}
