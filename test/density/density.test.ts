import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import type { GenreportError } from '../../src/core/errors.ts';
import { imageBatch } from '../../src/core/types.ts';
import { groupByDataSpace } from '../../src/likelihood/comparability.ts';
import { fitIndependentPixels, independentPixelsLikelihood } from '../../src/density/independent-pixels.ts';
import { importanceWeightedBounds, logMeanExp } from '../../src/likelihood/importance-weighted.ts';
import type { LikelihoodEstimate } from '../../src/likelihood/likelihood-estimate.ts';
import { summarizeLogLikelihoods } from '../../src/likelihood/nll-summary.ts';
import { parzenLikelihood } from '../../src/density/parzen.ts';
import { pixelLogProbability } from '../../src/likelihood/pixel-forms.ts';
import { validateManifest } from '../../src/models/manifest.ts';

test('bits/dim is −log2 p / D, with n and a 95% interval over images', () => {
  const summary = summarizeLogLikelihoods(Float64Array.from([-100, -110, -120]), 784);
  assert.equal(summary.nats.mean, 110);
  assert.equal(summary.nats.n, 3);
  assert.ok(Math.abs(summary.bitsPerDim.mean - 110 / (784 * Math.LN2)) < 1e-12);
  // sd = 10, half-width 1.96 · 10 / √3.
  assert.ok(Math.abs(summary.nats.high - 110 - (1.959963984540054 * 10) / Math.sqrt(3)) < 1e-9);
});

test('log-mean-exp and IWAE bounds are stable at large magnitudes', () => {
  assert.ok(Math.abs(logMeanExp([-1000, -1000 + Math.log(3)]) - (-1000 + Math.log(2))) < 1e-12);
  assert.deepEqual([...importanceWeightedBounds(Float64Array.from([0, 0, -5, -5]), 2, 2)], [0, -5]);
});

test('the discretized logistic sums to 1 over the 256 levels and matches the sigmoid difference', () => {
  const params = [0.3, Math.log(0.05)];
  let total = 0;
  for (let k = 0; k < 256; k++) total += Math.exp(pixelLogProbability('discretized-logistic', params, 0, k, [0, 1]));
  assert.ok(Math.abs(total - 1) < 1e-12);
  const s = (x: number): number => 1 / (1 + Math.exp(-x));
  const expected = Math.log(s((80 / 255 + 0.5 / 255 - 0.3) / 0.05) - s((80 / 255 - 0.5 / 255 - 0.3) / 0.05));
  assert.ok(Math.abs(pixelLogProbability('discretized-logistic', params, 0, 80, [0, 1]) - expected) < 1e-12);
  // Far tail: the stable form stays finite where 1 − σ underflows.
  assert.ok(Number.isFinite(pixelLogProbability('discretized-logistic', [-1, Math.log(0.001)], 0, 200, [-1, 1])));
});

test('the independent-pixels reference: add-one histograms per position, exact log-likelihood', () => {
  // 2 pixels; training: pixel 0 always 0, pixel 1 is 0 or 255.
  const training = imageBatch(3, 1, 2, 1, Float32Array.from([0, 0, 0, 1, 0, 1]));
  const model = fitIndependentPixels(training, 'train');
  const estimate = independentPixelsLikelihood(model, imageBatch(1, 1, 2, 1, Float32Array.from([0, 1])), 'test');
  const expected = Math.log(4 / 259) + Math.log(3 / 259);
  assert.ok(Math.abs(estimate.logLikelihoods[0]! - expected) < 1e-12);
  assert.equal(estimate.kind, 'exact');
  assert.equal(estimate.dataSpace, 'uint8-1x2x1');
  assert.throws(
    () => independentPixelsLikelihood(model, imageBatch(1, 2, 1, 1), 'other'),
    /other: images are uint8-2x1x1, but the independent-pixels model was fit on uint8-1x2x1/,
  );
});

test('Parzen: one centre gives the Gaussian density moved onto the 8-bit space; σ is the best on validation; labelled unreliable', () => {
  const generated = imageBatch(1, 1, 2, 1, Float32Array.from([0.5, 0.5]));
  const test = imageBatch(1, 1, 2, 1, Float32Array.from([128 / 255, 128 / 255]));
  const result = parzenLikelihood(generated, test, test, 'test', { sigmas: [0.01, 0.1, 1], rng: new Rng(1) });
  assert.equal(result.sigma, 0.01, 'the narrowest kernel fits a point inside its own bin best');
  // The dequantized test point lies in [128/256, 129/256): distance to 0.5 below 1/256 per pixel.
  const value = result.estimate.logLikelihoods[0]!;
  const atCentre = -Math.log(2 * Math.PI * 0.01 ** 2) - 2 * Math.log(256);
  const worst = atCentre - (2 * (1 / 256) ** 2) / (2 * 0.01 ** 2);
  assert.ok(value <= atCentre && value >= worst, `${value} not in [${worst}, ${atCentre}]`);
  assert.equal(result.estimate.kind, 'unreliable');
  assert.match(result.estimate.label, /unreliable \(Theis et al\. 2016\)/);
});

test('estimates are ranked only within a data space; Parzen estimates and lone data spaces are set apart with a reason', () => {
  const estimate = (dataSpace: string, kind: LikelihoodEstimate['kind'] = 'exact'): LikelihoodEstimate => ({
    estimator: 'exact',
    kind,
    samples: 1,
    dataSpace,
    logLikelihoods: new Float64Array(1),
    secondsPerImage: 0,
    label: '',
  });
  const { groups, apart } = groupByDataSpace([
    { model: 'pixelcnn', estimate: estimate('uint8-28x28x1') },
    { model: 'vae', estimate: estimate('uint8-28x28x1', 'bound') },
    { model: 'flow-32', estimate: estimate('uint8-32x32x1', 'bound') },
    { model: 'dcgan', estimate: estimate('uint8-28x28x1', 'unreliable') },
  ]);
  assert.deepEqual(
    groups.map((g) => [g.dataSpace, g.entries.map((e) => e.model)]),
    [['uint8-28x28x1', ['pixelcnn', 'vae']]],
  );
  assert.deepEqual(
    apart.map((a) => a.model),
    ['dcgan', 'flow-32'],
  );
  assert.match(
    apart[1]!.reason,
    /on uint8-32x32x1, the others on uint8-28x28x1: probabilities on different data spaces are not comparable/,
  );
});

test('the manifest likelihood is checked per family: kind, data space and how to read the outputs', () => {
  const base = { format: 'genreport-model/1', name: 'm', image: { height: 28, width: 28, channels: 1, range: [0, 1] } };
  const problems = (raw: object): string[] => {
    try {
      validateManifest(raw, 'g.json');
      return [];
    } catch (e) {
      return (e as GenreportError).problems.map((p) => `${p.field}: ${p.message}`);
    }
  };
  assert.deepEqual(
    problems({
      ...base,
      family: 'flow',
      components: { flow: 'f/model.json' },
      likelihood: { kind: 'exact', dataSpace: 'uint8-32x32x1' },
    }),
    [
      'likelihood.kind: a flow likelihood is "bound", not "exact" (its density at uniformly dequantized pixels bounds the 8-bit likelihood from below)',
      'likelihood.dequantization: a flow bundle must declare this',
      'likelihood.dataSpace: is "uint8-32x32x1", but the images declared are uint8-28x28x1',
    ],
  );
  assert.deepEqual(problems({ ...base, family: 'autoregressive', components: { model: 'm/model.json' } }), [
    'likelihood: autoregressive bundles must declare their likelihood (kind, dataSpace, form)',
  ]);
  assert.deepEqual(
    problems({
      ...base,
      family: 'gan',
      latent: { dim: 2, distribution: 'normal' },
      components: { generator: 'g/model.json' },
      likelihood: { kind: 'exact', dataSpace: 'uint8-28x28x1' },
    }),
    ['likelihood: a gan has no likelihood: set it to null (a Parzen estimate is a run option, not a model property)'],
  );
  assert.deepEqual(
    problems({
      ...base,
      family: 'vae',
      latent: { dim: 2, distribution: 'normal' },
      components: { encoder: 'e', decoder: 'd' },
      likelihood: { kind: 'bound', dataSpace: 'uint8-28x28x1', form: 'categorical-256' },
    }),
    [],
  );
});
