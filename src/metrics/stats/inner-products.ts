/**
 * Inner products between rows of two row-major float64 matrices: the one
 * O(n·m·d) kernel behind pairwise distances and KID's polynomial kernel.
 * Both operands are read row by row (contiguous). Two rows of `a` meet four
 * rows of `b` per sweep (eight accumulators): each loaded value is used two
 * or four times, about 20% faster than one row of `a` at a time in V8.
 */

/**
 * out[(i − aStart)·bRows + j] = a_i · b_j for rows i of `a` in [aStart, aEnd)
 * and all rows j of `b`. `d` is the shared row length.
 */
export function innerProductsBlock(
  a: Float64Array,
  aStart: number,
  aEnd: number,
  b: Float64Array,
  bRows: number,
  d: number,
  out: Float64Array,
): void {
  let i = aStart;
  for (; i + 1 < aEnd; i += 2) rowPairProducts(a, i, b, bRows, d, out, (i - aStart) * bRows);
  if (i < aEnd) rowProducts(a, i, b, bRows, d, out, (i - aStart) * bRows);
}

function rowPairProducts(
  a: Float64Array,
  i: number,
  b: Float64Array,
  bRows: number,
  d: number,
  out: Float64Array,
  o0: number,
): void {
  const a0 = i * d;
  const a1 = a0 + d;
  const o1 = o0 + bRows;
  let j = 0;
  for (; j + 3 < bRows; j += 4) {
    const b0 = j * d,
      b1 = b0 + d,
      b2 = b1 + d,
      b3 = b2 + d;
    let s00 = 0,
      s01 = 0,
      s02 = 0,
      s03 = 0,
      s10 = 0,
      s11 = 0,
      s12 = 0,
      s13 = 0;
    for (let k = 0; k < d; k++) {
      const x0 = a[a0 + k]!,
        x1 = a[a1 + k]!;
      const y0 = b[b0 + k]!,
        y1 = b[b1 + k]!,
        y2 = b[b2 + k]!,
        y3 = b[b3 + k]!;
      s00 += x0 * y0;
      s01 += x0 * y1;
      s02 += x0 * y2;
      s03 += x0 * y3;
      s10 += x1 * y0;
      s11 += x1 * y1;
      s12 += x1 * y2;
      s13 += x1 * y3;
    }
    out[o0 + j] = s00;
    out[o0 + j + 1] = s01;
    out[o0 + j + 2] = s02;
    out[o0 + j + 3] = s03;
    out[o1 + j] = s10;
    out[o1 + j + 1] = s11;
    out[o1 + j + 2] = s12;
    out[o1 + j + 3] = s13;
  }
  for (; j < bRows; j++) {
    const bj = j * d;
    let s0 = 0,
      s1 = 0;
    for (let k = 0; k < d; k++) {
      s0 += a[a0 + k]! * b[bj + k]!;
      s1 += a[a1 + k]! * b[bj + k]!;
    }
    out[o0 + j] = s0;
    out[o1 + j] = s1;
  }
}

function rowProducts(
  a: Float64Array,
  i: number,
  b: Float64Array,
  bRows: number,
  d: number,
  out: Float64Array,
  o: number,
): void {
  const ai = i * d;
  for (let j = 0; j < bRows; j++) {
    const bj = j * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += a[ai + k]! * b[bj + k]!;
    out[o + j] = s;
  }
}

/** Squared Euclidean norm of each row. */
export function rowSquaredNorms(a: Float64Array, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = i * d, end = k + d; k < end; k++) s += a[k]! * a[k]!;
    out[i] = s;
  }
  return out;
}
