import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureMatrix, type FeatureMatrix } from '../../src/core/types.ts';
import {
  bootstrapRng,
  fidWithInterval,
  percentileInterval,
  prdcWithIntervals,
  quantileSorted,
  resampleCounts,
} from '../../src/metrics/bootstrap.ts';
import { fidFromFeatures } from '../../src/metrics/fid.ts';
import { loadCase } from './fixtures.ts';

test('quantiles interpolate linearly, as numpy.percentile (np.percentile([1,2,3,4], [2.5, 97.5]) = [1.075, 3.925])', () => {
  assert.ok(Math.abs(quantileSorted([1, 2, 3, 4], 0.025) - 1.075) <= 1e-15);
  assert.deepEqual(
    percentileInterval([4, 3, 2, 1]).map((v) => Math.round(v * 1e12) / 1e12),
    [1.075, 3.925],
  );
  assert.deepEqual(percentileInterval([7]), [7, 7]);
});

test('resample counts add up to n and are seeded', () => {
  const a = resampleCounts(bootstrapRng(3), 50);
  assert.equal(
    a.reduce((s, v) => s + v, 0),
    50,
  );
  assert.deepEqual(a, resampleCounts(bootstrapRng(3), 50));
  assert.notDeepEqual(a, resampleCounts(bootstrapRng(4), 50));
});

function distance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  let s = 0;
  for (let k = 0; k < a.cols; k++) s += (a.data[i * a.cols + k]! - b.data[j * b.cols + k]!) ** 2;
  return Math.sqrt(s);
}

function kthRadius(m: FeatureMatrix, i: number, k: number): number {
  const all = Array.from({ length: m.rows }, (_, j) => distance(m, i, m, j)).sort((x, y) => x - y);
  return all[k]!;
}

test('PRDC intervals equal a brute-force bootstrap of both sets with the radii fixed; recall and coverage recentred on the estimate', () => {
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const resamples = 25;
  const got = prdcWithIntervals(real, fake, { seed: 11, bootstrapResamples: resamples, prK: 3, prdcK: 5 });
  const realPr = Array.from({ length: real.rows }, (_, i) => kthRadius(real, i, 3));
  const realDc = Array.from({ length: real.rows }, (_, i) => kthRadius(real, i, 5));
  const fakePr = Array.from({ length: fake.rows }, (_, j) => kthRadius(fake, j, 3));
  const dist = Array.from({ length: fake.rows }, (_, j) =>
    Array.from({ length: real.rows }, (_, i) => distance(fake, j, real, i)),
  );
  const rng = bootstrapRng(11);
  const draws = {
    precision: [] as number[],
    recall: [] as number[],
    density: [] as number[],
    coverage: [] as number[],
  };
  for (let b = 0; b < resamples; b++) {
    const counts = resampleCounts(rng, fake.rows);
    const realCounts = resampleCounts(rng, real.rows);
    let p = 0,
      dens = 0,
      r = 0,
      c = 0;
    for (let j = 0; j < fake.rows; j++) {
      p += counts[j]! * (dist[j]!.some((v, i) => v <= realPr[i]!) ? 1 : 0);
      dens += counts[j]! * dist[j]!.filter((v, i) => v < realDc[i]!).length;
    }
    for (let i = 0; i < real.rows; i++) {
      if (dist.some((row, j) => counts[j]! > 0 && row[i]! <= fakePr[j]!)) r += realCounts[i]!;
      if (dist.some((row, j) => counts[j]! > 0 && row[i]! < realDc[i]!)) c += realCounts[i]!;
    }
    draws.precision.push(p / fake.rows);
    draws.density.push((1 / 5) * (dens / fake.rows));
    draws.recall.push(r / real.rows);
    draws.coverage.push(c / real.rows);
  }
  for (const id of ['precision', 'recall', 'density', 'coverage'] as const) {
    const shift =
      id === 'recall' || id === 'coverage' ? got[id].value - draws[id].reduce((a, b) => a + b, 0) / resamples : 0;
    const expected = percentileInterval(draws[id]).map((v) => v + shift);
    assert.ok(got[id].interval, id);
    for (const q of [0, 1])
      assert.ok(Math.abs(got[id].interval![q]! - expected[q]!) <= 1e-12, `${id}: ${got[id].interval} vs ${expected}`);
    assert.ok(got[id].interval![0] <= got[id].interval![1], id);
  }
  assert.ok(got.f1.interval && got.f1.interval[0] <= got.f1.value + 0.05 && got.f1.value - 0.05 <= got.f1.interval[1]);
});

test('PRDC intervals do not depend on how many covering pairs a row keeps: lists cut at 1 or 2 give every replicate bit for bit', () => {
  // pairsPerRow 1: most rows are cut short, and every resample leaves some kept item undrawn, so the exact recomputation past the kept items runs.
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const options = { seed: 5, bootstrapResamples: 20, prK: 3, prdcK: 5 };
  const full = prdcWithIntervals(real, fake, { ...options, pairsPerRow: 1_000_000 });
  for (const pairsPerRow of [1, 2]) {
    const cut = prdcWithIntervals(real, fake, { ...options, pairsPerRow });
    for (const id of ['precision', 'recall', 'f1', 'density', 'coverage'] as const) {
      assert.equal(cut[id].value, full[id].value, id);
      assert.deepEqual(cut[id].replicates, full[id].replicates, `${id}, ${pairsPerRow} per row`);
    }
  }
});

test('no resamples, no interval; the point value does not depend on them', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const none = prdcWithIntervals(real, fake, { seed: 1, bootstrapResamples: 0, prK: 3, prdcK: 5 });
  const some = prdcWithIntervals(real, fake, { seed: 1, bootstrapResamples: 5, prK: 3, prdcK: 5 });
  assert.equal(none.precision.interval, undefined);
  for (const id of ['precision', 'recall', 'f1', 'density', 'coverage'] as const)
    assert.equal(none[id].value, some[id].value, id);
  assert.equal(fidWithInterval(real, fake, { seed: 1, bootstrapResamples: 0 }).interval, undefined);
});

test('FID interval: seeded, recomputed on resampled generated rows, recentred on the estimate, which it brackets', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const a = fidWithInterval(real, fake, { seed: 2, bootstrapResamples: 30 });
  assert.deepEqual(a, fidWithInterval(real, fake, { seed: 2, bootstrapResamples: 30 }));
  assert.equal(a.value, fidFromFeatures(real, fake));
  // One resample by hand: the interval of a single draw, recentred on the estimate, is the estimate.
  const rows = bootstrapRng(2).resample(fake.rows);
  const resampled = featureMatrix(fake.rows, fake.cols);
  rows.forEach((r, i) => resampled.data.set(fake.data.subarray(r * fake.cols, (r + 1) * fake.cols), i * fake.cols));
  assert.ok(fidFromFeatures(real, resampled) > a.value, 'a resample inflates the plug-in FID');
  const one = fidWithInterval(real, fake, { seed: 2, bootstrapResamples: 1 });
  assert.ok(
    Math.abs(one.interval![0] - a.value) <= 1e-9 * a.value && Math.abs(one.interval![1] - a.value) <= 1e-9 * a.value,
    `${one.interval}`,
  );
  // 30 replicates: the percentiles of the draws, shifted so their mean is the estimate.
  const draws = Array.from({ length: 30 }, () => 0);
  const stream = bootstrapRng(2);
  for (let b = 0; b < draws.length; b++) {
    const picked = stream.resample(fake.rows);
    picked.forEach((r, i) => resampled.data.set(fake.data.subarray(r * fake.cols, (r + 1) * fake.cols), i * fake.cols));
    draws[b] = fidFromFeatures(real, resampled);
  }
  const shift = a.value - draws.reduce((x, y) => x + y, 0) / draws.length;
  const expected = percentileInterval(draws).map((v) => Math.max(0, v + shift));
  for (const q of [0, 1])
    assert.ok(Math.abs(a.interval![q]! - expected[q]!) <= 1e-9 * a.value, `${a.interval} vs ${expected}`);
  assert.ok(
    a.interval![0] < a.interval![1] && a.interval![0] <= a.value * 1.5 && a.interval![1] >= a.value * 0.5,
    `${a.interval} vs ${a.value}`,
  );
});
