import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix } from '../../src/core/types.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';
import { SufficientStats } from '../../src/metrics/stats/sufficient-stats.ts';
import { gaussianFeatures } from './fixtures.ts';

function rowsOf(m: ReturnType<typeof featureMatrix>, start: number, end: number) {
  return featureMatrix(end - start, m.cols, m.data.slice(start * m.cols, end * m.cols));
}

function assertClose(a: Float64Array, b: Float64Array, tolerance: number, what: string) {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= tolerance * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('streamed count, sum and outer products give statsFromFeatures mean and covariance to 1e-12, in any batches, with or without BLAS, even far from 0', () => {
  const m = gaussianFeatures(new Rng(7), 777, [1e4, -3e4, 5, 0.1, 2e5], [1, 3, 0.5, 2, 10]);
  const reference = statsFromFeatures(m, { blas: null });
  for (const blas of [undefined, null]) {
    for (const batch of [1, 64, 250, 777]) {
      const s = new SufficientStats(m.cols, blas === undefined ? undefined : blas);
      for (let start = 0; start < m.rows; start += batch) s.add(rowsOf(m, start, Math.min(start + batch, m.rows)));
      const got = s.toFeatureStats();
      assert.equal(got.n, 777);
      assertClose(got.mean, reference.mean, 1e-14, 'mean');
      assertClose(got.cov, reference.cov, 1e-12, `cov (batch ${batch})`);
    }
  }
});

test('merging two streams equals streaming both: the pieces of a split run add up', () => {
  const m = gaussianFeatures(new Rng(8), 500, [3, -2, 100], [1, 2, 5]);
  const whole = new SufficientStats(3);
  whole.add(m);
  const a = new SufficientStats(3);
  const b = new SufficientStats(3);
  a.add(rowsOf(m, 0, 180));
  b.add(rowsOf(m, 180, 500));
  a.merge(b);
  assert.equal(a.count, 500);
  const [x, y] = [a.toFeatureStats(), whole.toFeatureStats()];
  assertClose(x.mean, y.mean, 1e-14, 'mean');
  assertClose(x.cov, y.cov, 1e-12, 'cov');
  assert.throws(() => new SufficientStats(2).merge(whole), /cannot merge 3 features into 2/);
});
