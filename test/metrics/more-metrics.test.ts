import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix } from '../../src/core/types.ts';
import { topProbabilities } from '../../src/metrics/classifier-confidence.ts';
import { classifierScoreFromProbabilities } from '../../src/metrics/classifier-score.ts';
import { memorisationFromFeatures } from '../../src/metrics/memorisation.ts';
import { modeCoverage } from '../../src/metrics/mode-coverage.ts';
import { nearestRows } from '../../src/metrics/nearest-neighbours.ts';
import { computeMetrics, DEFAULT_METRIC_OPTIONS, isNotApplicable } from '../../src/metrics/registry.ts';
import { slicedWassersteinFromFeatures, wasserstein1 } from '../../src/metrics/sliced-wasserstein.ts';
import { meanFeatureStd, meanPairwiseDistance, spreadRatios } from '../../src/metrics/spread-ratios.ts';
import { gaussianFeatures, loadCase, relativeError } from './fixtures.ts';

const extra = JSON.parse(readFileSync(new URL('../fixtures/metrics/extra.json', import.meta.url), 'utf8'));

test("classifier score matches torch-fidelity's isc formula (10 splits) to 1e-12 relative", () => {
  const p = featureMatrix(
    extra.probabilities.rows,
    extra.probabilities.cols,
    Float64Array.from(extra.probabilities.data),
  );
  const score = classifierScoreFromProbabilities(p);
  assert.ok(relativeError(score.mean, extra.classifierScore.mean) <= 1e-12, `${score.mean}`);
  assert.ok(relativeError(score.std, extra.classifierScore.std) <= 1e-12, `${score.std}`);
});

test('classifier score closed forms: one-hot predictions spread evenly over c classes give c; a single class gives 1', () => {
  const c = 5;
  const even = featureMatrix(100, c);
  for (let i = 0; i < 100; i++) even.data[i * c + (i % c)] = 1;
  assert.ok(Math.abs(classifierScoreFromProbabilities(even).mean - c) <= 1e-12);
  const collapsed = featureMatrix(100, c);
  for (let i = 0; i < 100; i++) collapsed.data[i * c] = 1;
  assert.equal(classifierScoreFromProbabilities(collapsed).mean, 1);
});

test('W1 matches scipy.stats.wasserstein_distance on unequal samples with ties (1e-12)', () => {
  const a = Float64Array.from(extra.w1.a).sort();
  const b = Float64Array.from(extra.w1.b).sort();
  assert.ok(Math.abs(wasserstein1(a, b) - extra.w1.distance) <= 1e-12, `${wasserstein1(a, b)}`);
  assert.equal(wasserstein1(a, a), 0);
});

test('sliced Wasserstein: 0 for identical sets, |shift| in one dimension, seeded', () => {
  const { real, fake } = loadCase('gauss-n200-d16');
  assert.equal(slicedWassersteinFromFeatures(real, real, { seed: 1 }), 0);
  const line = featureMatrix(4, 1, new Float64Array([0, 1, 2, 3]));
  const shifted = featureMatrix(4, 1, new Float64Array([2.5, 3.5, 4.5, 5.5]));
  assert.ok(Math.abs(slicedWassersteinFromFeatures(line, shifted, { seed: 1, projections: 3 }) - 2.5) <= 1e-12);
  assert.equal(
    slicedWassersteinFromFeatures(real, fake, { seed: 4 }),
    slicedWassersteinFromFeatures(real, fake, { seed: 4 }),
  );
  assert.notEqual(
    slicedWassersteinFromFeatures(real, fake, { seed: 4 }),
    slicedWassersteinFromFeatures(real, fake, { seed: 5 }),
  );
});

test('mode coverage: histogram, covered classes, KL and the collapse flag', () => {
  const real = Array.from({ length: 100 }, (_, i) => i % 4); // 4 classes, 25% each
  const fine = modeCoverage(real, real, 4);
  assert.deepEqual([fine.classesCovered, fine.realClasses, fine.klFromReal, fine.collapsed], [4, 4, 0, false]);
  // Class 3 at 2% (< 10% of 25%): not covered; shares .5/.48/0/.02.
  const fake = [...Array(50).fill(0), ...Array(48).fill(1), 3, 3];
  const m = modeCoverage(fake, real, 4);
  const kl = 0.5 * Math.log(0.5 / 0.25) + 0.48 * Math.log(0.48 / 0.25) + 0.02 * Math.log(0.02 / 0.25);
  assert.equal(m.classesCovered, 2);
  assert.equal(m.collapsed, true);
  assert.ok(Math.abs(m.klFromReal - kl) <= 1e-12);
  assert.equal(modeCoverage([0, 4], real, 5).klFromReal, Infinity);
});

test('classifier confidence is the mean top probability', () => {
  const p = featureMatrix(2, 3, new Float64Array([0.2, 0.7, 0.1, 0.5, 0.25, 0.25]));
  assert.deepEqual([...topProbabilities(p)], [0.7, 0.5]);
});

test('spread ratios: a set scaled by s has both ratios s (std to 1e-12; pairwise on the full sets to 1e-12)', () => {
  const real = gaussianFeatures(new Rng(2), 300, [0, 1, 2, 3]);
  const fake = featureMatrix(
    real.rows,
    real.cols,
    real.data.map((v) => 0.5 * v + 7),
  );
  const r = spreadRatios(real, fake, 0);
  assert.ok(Math.abs(r.featureStd - 0.5) <= 1e-12, `${r.featureStd}`);
  assert.ok(Math.abs(r.pairwiseDistance - 0.5) <= 1e-12, `${r.pairwiseDistance}`);
  const square = featureMatrix(4, 2, new Float64Array([0, 0, 1, 0, 0, 1, 1, 1]));
  assert.ok(Math.abs(meanPairwiseDistance(square) - (4 + 2 * Math.SQRT2) / 6) <= 1e-15);
  assert.ok(Math.abs(meanFeatureStd(square) - Math.sqrt(1 / 3)) <= 1e-15);
});

test('nearest rows and memorisation: copies of training rows are flagged; fresh samples are not', () => {
  const rng = new Rng(9);
  const train = gaussianFeatures(rng, 400, Array(8).fill(0));
  const heldOut = gaussianFeatures(rng, 200, Array(8).fill(0));
  const fresh = gaussianFeatures(rng, 200, Array(8).fill(0));
  const copies = featureMatrix(
    200,
    8,
    train.data.slice(0, 200 * 8).map((v) => v + 1e-3),
  );
  const near = nearestRows(copies, train);
  assert.deepEqual([...near.index.slice(0, 5)], [0, 1, 2, 3, 4]);
  const copied = memorisationFromFeatures(train, heldOut, copies);
  const honest = memorisationFromFeatures(train, heldOut, fresh);
  assert.equal(copied.shareBelowBaseline, 1);
  assert.ok(honest.shareBelowBaseline < 0.15, `${honest.shareBelowBaseline}`);
  assert.ok(
    copied.medianDistanceRatio < 0.01 && honest.medianDistanceRatio > 0.7,
    `${copied.medianDistanceRatio} ${honest.medianDistanceRatio}`,
  );
  assert.equal(copied.closestPairs.length, 16);
  assert.ok(
    copied.closestPairs.every(
      (p, i, all) => p.generated === p.train && (i === 0 || all[i - 1]!.distance <= p.distance),
    ),
  );
});

test('the registry says why classifier and memorisation metrics do not apply, and computes them when they do', () => {
  const { real, fake } = loadCase('anisotropic-n300-d8');
  const ids = ['classifier-score', 'classes-covered', 'memorisation-share'];
  const bare = computeMetrics(ids, { real: { features: real }, fake: { features: fake } });
  assert.deepEqual(bare, {
    'classifier-score': { notApplicable: 'the feature extractor gives no class probabilities' },
    'classes-covered': { notApplicable: 'the feature extractor gives no class probabilities' },
    'memorisation-share': { notApplicable: 'no training images given (data.train)' },
  });
  const probs = (m: number) =>
    featureMatrix(
      m,
      3,
      Float64Array.from({ length: m * 3 }, (_, k) => (k % 3 === Math.floor(k / 3) % 3 ? 1 : 0)),
    );
  const full = computeMetrics(
    ids,
    {
      real: { features: real, labels: Uint8Array.from({ length: real.rows }, (_, i) => i % 3) },
      fake: { features: fake, probabilities: probs(fake.rows) },
      train: { features: real },
    },
    DEFAULT_METRIC_OPTIONS,
  );
  for (const id of ids) assert.ok(!isNotApplicable(full[id]!), id);
  assert.equal((full['classes-covered'] as { value: number }).value, 3);
  assert.ok(Math.abs((full['classifier-score'] as { value: number }).value - 3) <= 0.05);
});
