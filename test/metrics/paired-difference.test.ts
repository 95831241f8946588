/**
 * Paired differences: the numbers against numpy (test/reference/
 * make-paired-difference-fixtures.py writes the fixture), and the bootstrap
 * pairing itself: two models' replicates use the very same resample indices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { featureMatrix } from '../../src/core/types.ts';
import { bootstrapRng, fidWithInterval, meanWithInterval, prdcWithIntervals } from '../../src/metrics/bootstrap.ts';
import { fidFromStats } from '../../src/metrics/fid.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';
import { excludesZero, pairedBootstrapDifference, pairedMeanDifference } from '../../src/metrics/paired-difference.ts';
import { meanInterval } from '../../src/likelihood/nll-summary.ts';
import { kidFromFeatures } from '../../src/metrics/kid.ts';
import { loadCase } from './fixtures.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/paired-differences.json', import.meta.url), 'utf8'),
);

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

test('per-image paired difference equals numpy: mean ± 1.96 sd/√n of the differences (1e-12)', () => {
  const { best, other, difference } = fixture.perImage;
  const got = pairedMeanDifference(Float64Array.from(other), Float64Array.from(best))!;
  close(got.value, difference.value, 1e-12, 'mean');
  close(got.low, difference.low, 1e-12, 'low');
  close(got.high, difference.high, 1e-12, 'high');
});

test('known answer: per-image values 0.02 apart plus small noise → paired interval narrow and clear; the unpaired intervals overlap', () => {
  const { best, other, bestAlone, otherAlone } = fixture.perImage;
  const paired = pairedMeanDifference(other, best)!;
  const a = meanInterval(best);
  const b = meanInterval(other);
  // The models' own intervals agree with numpy too, and they overlap: the old rule called this "not clear".
  close(a.low, bestAlone.low, 1e-12, 'best low');
  close(b.high, otherAlone.high, 1e-12, 'other high');
  assert.ok(b.low <= a.high && a.low <= b.high, 'the unpaired intervals overlap');
  // The paired one is some 60 times narrower and excludes 0.
  assert.ok(
    (paired.high - paired.low) * 30 < a.high - a.low,
    `paired width ${paired.high - paired.low} vs unpaired ${a.high - a.low}`,
  );
  assert.ok(excludesZero(paired));
  close(paired.value, 0.02, 0.002, 'the constant offset');
});

test('bootstrap paired difference equals numpy: np.percentile of the replicate-wise differences', () => {
  const { best, other, bestValue, otherValue, difference, bestAlone, otherAlone } = fixture.bootstrap;
  const got = pairedBootstrapDifference(
    { value: otherValue, replicates: Float64Array.from(other) },
    { value: bestValue, replicates: Float64Array.from(best) },
  )!;
  close(got.value, difference.value, 1e-12, 'value');
  close(got.low, difference.low, 1e-12, 'low');
  close(got.high, difference.high, 1e-12, 'high');
  assert.ok(excludesZero(got));
  assert.ok(otherAlone[0] <= bestAlone[1], 'the unpaired bootstrap intervals overlap');
});

test('no pairing across different resample or image counts, nor from one image', () => {
  assert.equal(
    pairedBootstrapDifference(
      { value: 1, replicates: new Float64Array(10) },
      { value: 0, replicates: new Float64Array(9) },
    ),
    null,
  );
  assert.equal(pairedMeanDifference([1, 2, 3], [1, 2]), null);
  assert.equal(pairedMeanDifference([1], [2]), null);
  assert.equal(excludesZero({ value: 0.1, low: -0.01, high: 0.2 }), false);
  assert.equal(excludesZero({ value: -0.1, low: -0.2, high: -0.01 }), true);
});

test('FID replicates of two models use the same resample indices: the paired difference is the difference of FIDs on identical draws', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  // Model B: model A's samples shifted a little along every feature.
  const shifted = featureMatrix(fake.rows, fake.cols);
  for (let i = 0; i < fake.data.length; i++) shifted.data[i] = fake.data[i]! + 0.05;
  const options = { seed: 5, bootstrapResamples: 40 };
  const a = fidWithInterval(real, fake, options);
  const b = fidWithInterval(real, shifted, options);
  // By hand: draw the indices once and evaluate both models on each draw.
  const rng = bootstrapRng(5);
  const realStats = statsFromFeatures(real);
  const byHand = Array.from({ length: 40 }, () => {
    const rows = rng.resample(fake.rows);
    const pick = (m: typeof fake) => {
      const out = featureMatrix(m.rows, m.cols);
      rows.forEach((r, k) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols));
      return fidFromStats(realStats, statsFromFeatures(out));
    };
    return pick(shifted) - pick(fake);
  });
  const shift = b.value - a.value - byHand.reduce((s, v) => s + v, 0) / byHand.length;
  for (let k = 0; k < 40; k++) close(b.replicates![k]! - a.replicates![k]!, byHand[k]! + shift, 1e-9, `replicate ${k}`);
  const paired = pairedBootstrapDifference(
    { value: b.value, replicates: b.replicates! },
    { value: a.value, replicates: a.replicates! },
  )!;
  assert.ok(
    paired.high - paired.low < (b.interval![1] - b.interval![0] + (a.interval![1] - a.interval![0])) / 4,
    'pairing cancels the shared resampling noise',
  );
  // The same model against itself: exactly zero, every replicate.
  const self = pairedBootstrapDifference(
    { value: a.value, replicates: a.replicates! },
    { value: a.value, replicates: fidWithInterval(real, fake, options).replicates! },
  )!;
  assert.deepEqual([self.value, self.low, self.high], [0, 0, 0]);
});

test('KID: every model gets the same seeded subsets, so per-subset MMD² pairs; the same model against itself differs by exactly 0', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  const options = { seed: 4, subsets: 12, subsetSize: 50 };
  const a = kidFromFeatures(real, fake, options);
  assert.equal(a.perSubset.length, 12);
  close(a.perSubset.reduce((s, v) => s + v, 0) / 12, a.mean, 1e-15, 'the mean is the mean over subsets');
  const b = kidFromFeatures(real, fake, options);
  const self = pairedBootstrapDifference(
    { value: a.mean, replicates: a.perSubset },
    { value: b.mean, replicates: b.perSubset },
  )!;
  assert.deepEqual([self.value, self.low, self.high], [0, 0, 0]);
});

test('PRDC and per-sample means carry replicates whose central 95% is the interval', () => {
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const prdc = prdcWithIntervals(real, fake, { seed: 3, bootstrapResamples: 30, prK: 3, prdcK: 5 });
  for (const id of ['precision', 'recall', 'coverage'] as const) {
    const self = pairedBootstrapDifference(
      { value: prdc[id].value, replicates: prdc[id].replicates! },
      { value: prdc[id].value, replicates: prdc[id].replicates! },
    )!;
    assert.deepEqual([self.low, self.high], [0, 0], id);
    assert.equal(prdc[id].replicates!.length, 30);
  }
  const values = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
  const mean = meanWithInterval(values, { seed: 2, bootstrapResamples: 20 });
  const again = meanWithInterval(
    values.map((v) => v + 1),
    { seed: 2, bootstrapResamples: 20 },
  );
  // Same indices: a model that is uniformly 1 higher differs by exactly 1 in every replicate.
  for (let k = 0; k < 20; k++) close(again.replicates![k]! - mean.replicates![k]!, 1, 1e-12, `replicate ${k}`);
});
