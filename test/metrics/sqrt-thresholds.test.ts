import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { squaredAtMost, squaredBelow } from '../../src/metrics/stats/sqrt-thresholds.ts';

test('s ≤ threshold answers exactly as √s ≤ r and √s < r, for squares within a few ulps of r²', () => {
  const rng = new Rng(8);
  const bits = new Float64Array(1);
  const word = new BigInt64Array(bits.buffer);
  let boundaryHits = 0;
  for (let t = 0; t < 2000; t++) {
    const r = Math.sqrt(Math.exp(10 * rng.normal()));
    const atMost = squaredAtMost(r);
    const below = squaredBelow(r);
    bits[0] = r * r;
    const base = word[0]!;
    for (let delta = -4n; delta <= 4n; delta++) {
      word[0] = base + delta;
      const s: number = bits[0]!;
      assert.equal(s <= atMost, Math.sqrt(s) <= r, `≤: r=${r} s=${s}`);
      assert.equal(s <= below, Math.sqrt(s) < r, `<: r=${r} s=${s}`);
      if (Math.sqrt(s) === r) boundaryHits++;
    }
  }
  assert.ok(boundaryHits > 0, 'the sample never hit the boundary, so it tests nothing');
});

test('radius 0 (duplicate rows): the closed ball holds only 0, the open ball nothing; ∞ holds everything', () => {
  assert.equal(squaredAtMost(0), 0);
  assert.equal(squaredBelow(0), -Infinity);
  assert.equal(squaredAtMost(Infinity), Infinity);
  assert.equal(squaredBelow(Infinity), Infinity);
});
