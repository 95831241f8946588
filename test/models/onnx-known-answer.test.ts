/**
 * The known-answer density models, exported from PyTorch to ONNX
 * (scripts/reference/make-known-answer-fixtures.py): an affine flow, a
 * linear-Gaussian VAE and an autoregressive model with fixed conditionals
 * report their closed-form log-likelihoods through the ONNX route to 1e-4
 * relative, as their TensorFlow.js twins do (flow-adapter, vae-adapter and
 * autoregressive-adapter tests), and equal those twins draw for draw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { levelsFromImages } from '../../src/likelihood/data-space.ts';
import { dequantizeToRange, rangeLogJacobian } from '../../src/likelihood/dequantize.ts';
import { meanInterval } from '../../src/likelihood/nll-summary.ts';
import { VaeModel } from '../../src/models/adapters/vae.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import type { GenerativeModel, LikelihoodOptions } from '../../src/models/generative-model.ts';
import { loadModel } from '../../src/models/load-model.ts';
import {
  smoothConditionalsWithLeft,
  tinyAutoregressiveLogLikelihood,
  writeTinyAutoregressive,
} from '../helpers/tiny-autoregressive.ts';
import { affineFlowLogDensity, writeTinyFlow } from '../helpers/tiny-flow.ts';
import { tinyVaeLogLikelihoodGivenZ, tinyVaeTruth, writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');
const fixtures = resolve(import.meta.dirname, '../fixtures/models-onnx/known-answer');
const SIDE = 4;
const D = SIDE * SIDE;

function randomImages(n: number, seed: number): ImageBatch {
  const rng = new Rng(seed);
  return imageBatch(
    n,
    SIDE,
    SIDE,
    1,
    Float32Array.from({ length: n * D }, () => rng.int(256) / 255),
  );
}

async function withModel<T>(dir: string | Promise<string>, use: (model: GenerativeModel) => Promise<T>): Promise<T> {
  const { bundle, model } = await loadModel(await dir);
  try {
    return await use(model);
  } finally {
    disposeBundle(bundle);
  }
}

function estimates(model: GenerativeModel, images: ImageBatch, options: Partial<LikelihoodOptions> = {}) {
  assert.ok(model.likelihood, `${model.bundle.manifest.name} has a likelihood`);
  return model.likelihood.logLikelihood(images, {
    rng: new Rng(5),
    batchSize: 5,
    samples: 1,
    source: 'test',
    ...options,
  });
}

function assertRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= tolerance * Math.abs(expected[i]!),
      `${what} ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

test('ONNX affine flow: the closed-form log-likelihood at the dequantized pixels to 1e-4 relative, and the tfjs twin’s values', async () => {
  const images = randomImages(12, 1);
  const onnx = await withModel(join(fixtures, 'flow-affine'), async (model) => {
    assert.equal(model.bundle.runnable.forward?.runtime, 'onnx');
    return estimates(model, images);
  });
  const y = dequantizeToRange(levelsFromImages(images, 'test'), [0, 1], new Rng(5));
  const truth = affineFlowLogDensity(y).map((v) => v + rangeLogJacobian([0, 1], D));
  assert.equal(onnx[0]!.kind, 'bound');
  assertRelative(onnx[0]!.logLikelihoods, truth, 1e-4, 'image');
  const tfjs = await withModel(writeTinyFlow(), (model) => estimates(model, images));
  assertRelative(onnx[0]!.logLikelihoods, tfjs[0]!.logLikelihoods, 1e-5, 'ONNX vs tfjs, image');
});

test('ONNX linear-Gaussian VAE: IWAE-256 at the exact posterior reaches the true log p(x) to 1e-4 relative; its ELBO equals the quadrature value', async () => {
  const one = Float32Array.from(
    { length: D },
    (_, j) => Math.round(255 * (0.5 + 0.2 * Math.cos(1.7 * j) * 1.2 + 0.03 * Math.sin(5 * j))) / 255,
  );
  const copies = 20;
  const images = imageBatch(
    copies,
    SIDE,
    SIDE,
    1,
    Float32Array.from({ length: copies * D }, (_, i) => one[i % D]!),
  );
  const levels = levelsFromImages(imageBatch(1, SIDE, SIDE, 1, one), 'test');
  const truth = tinyVaeTruth(levels);
  const options = { batchSize: 512, samples: 256 };
  const { posterior, onnx } = await withModel(join(fixtures, 'vae-linear'), async (model) => {
    assert.ok(model instanceof VaeModel);
    assert.equal(model.bundle.runnable.decoder?.runtime, 'onnx');
    return {
      posterior: await model.encode(imageBatch(1, SIDE, SIDE, 1, one), 1),
      onnx: await estimates(model, images, options),
    };
  });
  // PyTorch's quadrature wrote the posterior's moments into the encoder; they agree with this side's.
  assert.ok(
    Math.abs(posterior.mean[0]! - truth.posteriorMean) < 1e-5,
    `q mean ${posterior.mean[0]} vs ${truth.posteriorMean}`,
  );
  assert.ok(
    Math.abs(Math.exp(posterior.logVariance[0]!) - truth.posteriorVariance) < 1e-5 * truth.posteriorVariance + 1e-9,
  );
  const [elbo, iwae] = onnx;
  const iwaeMean = meanInterval(iwae!.logLikelihoods).mean;
  assert.ok(
    Math.abs(iwaeMean - truth.logLikelihood) <= 1e-4 * Math.abs(truth.logLikelihood),
    `IWAE-256 ${iwaeMean} vs true ${truth.logLikelihood}`,
  );
  // ELBO by quadrature: E_q log P(x|z) − KL(q ‖ N(0, 1)).
  const [qMean, qLogVar] = [posterior.mean[0], posterior.logVariance[0]];
  const s = Math.exp(0.5 * qLogVar!);
  let expected = 0;
  const points = 8001;
  for (let i = 0; i < points; i++) {
    const e = -8 + (16 * i) / (points - 1);
    expected +=
      (Math.exp(-0.5 * e * e) / Math.sqrt(2 * Math.PI)) *
      tinyVaeLogLikelihoodGivenZ(levels, qMean! + s * e) *
      (16 / (points - 1));
  }
  expected -= 0.5 * (qMean! ** 2 + Math.exp(qLogVar!) - 1 - qLogVar!);
  const elboSummary = meanInterval(elbo!.logLikelihoods);
  assert.ok(
    Math.abs(elboSummary.mean - expected) < 4 * (elboSummary.sd / Math.sqrt(elboSummary.n)) + 1e-6,
    `ELBO ${elboSummary.mean} vs quadrature ${expected}`,
  );
  // The tfjs twin with the same q draws the same ε: the same bounds.
  const tfjs = await withModel(writeTinyVae({ qMean: qMean!, qLogVar: qLogVar! }), (model) =>
    estimates(model, images, options),
  );
  assertRelative(elbo!.logLikelihoods, tfjs[0]!.logLikelihoods, 1e-5, 'ONNX vs tfjs ELBO, image');
  assertRelative(iwae!.logLikelihoods, tfjs[1]!.logLikelihoods, 1e-5, 'ONNX vs tfjs IWAE, image');
});

test('ONNX fixed-conditional autoregressive model: the closed-form exact log-likelihood to 1e-4 relative, after the causality check, as the tfjs twin', async () => {
  const conditionals = smoothConditionalsWithLeft();
  const images = randomImages(7, 1);
  const onnx = await withModel(join(fixtures, 'ar-fixed'), async (model) => {
    assert.equal(model.bundle.runnable.model?.runtime, 'onnx');
    return estimates(model, images, { batchSize: 3 });
  });
  const [estimate] = onnx;
  assert.equal(estimate!.kind, 'exact');
  assert.match(estimate!.label, /causality checked/);
  const levels = levelsFromImages(images, 'test');
  const truth = Array.from({ length: images.n }, (_, i) =>
    tinyAutoregressiveLogLikelihood(levels.subarray(i * D, (i + 1) * D), conditionals),
  );
  assertRelative(estimate!.logLikelihoods, truth, 1e-4, 'image');
  const tfjs = await withModel(writeTinyAutoregressive(conditionals), (model) =>
    estimates(model, images, { batchSize: 3 }),
  );
  assertRelative(estimate!.logLikelihoods, tfjs[0]!.logLikelihoods, 1e-5, 'ONNX vs tfjs, image');
});
