import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { innerProductsBlock } from '../../src/metrics/stats/inner-products.ts';

test('every tile shape (pairs, odd last row, 4-column tiles and remainders) gives the plain dot product to 1e-12', () => {
  const rng = new Rng(1);
  const d = 13;
  const a = Float64Array.from({ length: 7 * d }, () => rng.normal());
  const b = Float64Array.from({ length: 6 * d }, () => rng.normal());
  for (const [start, end] of [
    [0, 7],
    [1, 4],
    [6, 7],
  ]) {
    const out = new Float64Array((end! - start!) * 6);
    innerProductsBlock(a, start!, end!, b, 6, d, out);
    for (let i = start; i! < end!; i!++) {
      for (let j = 0; j < 6; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += a[i! * d + k]! * b[j * d + k]!;
        assert.ok(Math.abs(out[(i! - start!) * 6 + j]! - s) <= 1e-12, `[${i}][${j}]`);
      }
    }
  }
});
