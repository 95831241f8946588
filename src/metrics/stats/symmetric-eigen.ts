/**
 * Eigenvalues (and optionally eigenvectors) of a real symmetric matrix:
 * Householder reduction to tridiagonal form, then the implicit QL method
 * with Wilkinson-style shifts (EISPACK tred2/tql1/tql2, as in JAMA).
 *
 * The working matrix is stored transposed relative to JAMA's V[row][col]
 * (element V[r][c] lives at w[c·n + r]); since the input is symmetric this
 * costs nothing, and it turns every inner loop into a contiguous sweep.
 * A side effect worth knowing: in the returned `vectors`, eigenvector j is
 * row j (vectors[j·n .. j·n + n)), i.e. the array holds Vᵀ.
 */

export interface SymmetricEigen {
  /** Ascending. */
  values: Float64Array;
  /** n × n row-major; row j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Eigenvalues only, ascending (tred2 without accumulation + tql1). */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  checkSquare(a, n);
  const w = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, n, d, e, false);
  implicitQl(d, e, null, n);
  return d;
}

/** Eigenvalues ascending with their eigenvectors (tred2 + tql2). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  checkSquare(a, n);
  const w = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, n, d, e, true);
  implicitQl(d, e, w, n);
  return { values: d, vectors: w };
}

function checkSquare(a: Float64Array, n: number): void {
  if (a.length !== n * n) throw new Error(`symmetric eigen: expected ${n * n} values for ${n}x${n}, got ${a.length}`);
}

/**
 * Householder tridiagonalisation (tred2). On return d holds the diagonal,
 * e[1..n) the subdiagonal (e[0] = 0). With `accumulate`, w holds the
 * orthogonal transform (transposed, see above); without, w is scratch.
 */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): void {
  if (n === 0) return;
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1]!;

  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1]!;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j]!;
        w[i * n + j] = f;
        g = e[j]! + w[wj + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += w[wj + k]! * d[k]!;
          e[k]! += w[wj + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) w[wj + k]! -= f * e[k]! + g * d[k]!;
        d[j] = w[wj + i - 1]!;
        w[wj + i] = 0;
      }
    }
    d[i] = h;
  }

  if (!accumulate) {
    // The reduced diagonal sits on w's diagonal until accumulation would move it.
    for (let j = 0; j < n; j++) d[j] = w[j * n + j]!;
    e[0] = 0;
    return;
  }

  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i]!;
    w[i * n + i] = 1;
    const h = d[i + 1]!;
    const col = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[col + k]! / h;
      for (let j = 0; j <= i; j++) {
        const wj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[col + k]! * w[wj + k]!;
        for (let k = 0; k <= i; k++) w[wj + k]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) w[col + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1]!;
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e). With `w`, the rotations are applied
 * to the accumulated transform (tql2); without, values only (tql1). Sorts
 * ascending, moving eigenvectors along.
 */
function implicitQl(d: Float64Array, e: Float64Array, w: Float64Array | null, n: number): void {
  if (n === 0) return;
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;

  const eps = 2 ** -52;
  const maxIterations = 60;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    // e[n-1] is 0, so the search stops inside the matrix.
    while (Math.abs(e[m]!) > eps * tst1) m++;

    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIterations) {
          throw new Error(`symmetric eigen: QL did not converge for eigenvalue ${l} of ${n}`);
        }
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;

        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (w) {
            const wi = i * n;
            const wi1 = wi + n;
            for (let k = 0; k < n; k++) {
              const t = w[wi1 + k]!;
              w[wi1 + k] = s * w[wi + k]! + c * t;
              w[wi + k] = c * w[wi + k]! - s * t;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l]! += f;
    e[l] = 0;
  }

  // Selection sort: n swaps of whole eigenvector rows at most.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      if (w) {
        for (let j = 0; j < n; j++) {
          const t = w[i * n + j]!;
          w[i * n + j] = w[k * n + j]!;
          w[k * n + j] = t;
        }
      }
    }
  }
}

/** √(a² + b²) without overflow or destructive underflow; Math.hypot is slower. */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const t = y / x;
    return x * Math.sqrt(1 + t * t);
  }
  if (y === 0) return 0;
  const t = x / y;
  return y * Math.sqrt(1 + t * t);
}
