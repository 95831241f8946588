import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { levelsFromImages } from '../../src/likelihood/data-space.ts';
import { dequantizeToRange, rangeLogJacobian } from '../../src/likelihood/dequantize.ts';
import { logMeanExp } from '../../src/likelihood/importance-weighted.ts';
import { FlowModel } from '../../src/models/adapters/flow.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import {
  affineFlowLogDensity,
  affinePixel,
  affinePixelLogDensity,
  FLOW_SIDE,
  writeTinyFlow,
} from '../helpers/tiny-flow.ts';

await initBackend('wasm');

const D = FLOW_SIDE * FLOW_SIDE;

function randomImages(n: number, seed: number): ImageBatch {
  const rng = new Rng(seed);
  return imageBatch(
    n,
    FLOW_SIDE,
    FLOW_SIDE,
    1,
    Float32Array.from({ length: n * D }, () => rng.int(256) / 255),
  );
}

async function loadFlow(options: Parameters<typeof writeTinyFlow>[0] = {}): Promise<FlowModel> {
  const model = modelForBundle(await loadBundle(await writeTinyFlow(options)));
  assert.ok(model instanceof FlowModel);
  return model;
}

test('an affine flow of a Gaussian reports the closed-form log-likelihood at the dequantized pixels, to 1e-4 relative', async () => {
  const flow = await loadFlow();
  try {
    const images = randomImages(12, 1);
    const [estimate] = await flow.logLikelihood(images, { rng: new Rng(5), batchSize: 5, samples: 1, source: 'test' });
    // Same seed, same order: the dequantization points the adapter drew.
    const y = dequantizeToRange(levelsFromImages(images, 'test'), [0, 1], new Rng(5));
    const truth = affineFlowLogDensity(y).map((v) => v + rangeLogJacobian([0, 1], D));
    assert.equal(estimate!.kind, 'bound');
    assert.equal(estimate!.dataSpace, 'uint8-4x4x1');
    for (let i = 0; i < images.n; i++) {
      assert.ok(
        Math.abs(estimate!.logLikelihoods[i]! - truth[i]!) <= 1e-4 * Math.abs(truth[i]!),
        `image ${i}: ${estimate!.logLikelihoods[i]} vs ${truth[i]}`,
      );
    }
  } finally {
    disposeBundle(flow.bundle);
  }
});

/** A two-component base whose means are the affine flow's z at images of constant grey 0.25 and 0.75. */
function greyMixture(): { weights: number[]; means: number[][]; logVariances: number[][] } {
  const at = (grey: number) => Array.from({ length: D }, (_, j) => affinePixel(j, grey).z);
  return {
    weights: [0.3, 0.7],
    means: [at(0.25), at(0.75)],
    logVariances: [new Array(D).fill(Math.log(0.02 ** 2)), new Array(D).fill(Math.log(0.03 ** 2))],
  };
}

test('with a mixture base, the likelihood is log p_mixture(z) + log|det|, to 1e-4 relative, and its label names the base', async () => {
  const mixture = greyMixture();
  const flow = await loadFlow({ mixture });
  try {
    const images = randomImages(10, 3);
    const [estimate] = await flow.logLikelihood(images, { rng: new Rng(6), batchSize: 4, samples: 1, source: 'test' });
    const y = dequantizeToRange(levelsFromImages(images, 'test'), [0, 1], new Rng(6));
    for (let i = 0; i < images.n; i++) {
      // The textbook mixture density, written out here rather than taken from latent-prior.ts.
      let logDet = 0;
      const terms = mixture.weights.map((w, c) => {
        let s = Math.log(w);
        for (let j = 0; j < D; j++) {
          const { z } = affinePixel(j, y[i * D + j]!);
          const variance = Math.exp(mixture.logVariances[c]![j]!);
          s += -0.5 * Math.log(2 * Math.PI * variance) - (z - mixture.means[c]![j]!) ** 2 / (2 * variance);
        }
        return s;
      });
      for (let j = 0; j < D; j++) logDet += affinePixel(j, y[i * D + j]!).logScale;
      const max = Math.max(...terms);
      const truth =
        max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0)) + logDet + rangeLogJacobian([0, 1], D);
      assert.ok(
        Math.abs(estimate!.logLikelihoods[i]! - truth) <= 1e-4 * Math.abs(truth),
        `image ${i}: ${estimate!.logLikelihoods[i]} vs ${truth}`,
      );
    }
    assert.match(
      estimate!.label,
      /^exact change of variables \(base distribution: a mixture of 2 diagonal Gaussians\) at uniformly dequantized pixels/,
    );
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('with a mixture base, samples are drawn from it: every sample is one of its two greys, in its proportions', async () => {
  const flow = await loadFlow({ mixture: greyMixture() });
  try {
    const n = 400;
    const images = await flow.sample(n, new Rng(2), 100);
    let light = 0;
    for (let i = 0; i < n; i++) {
      const mean = images.data.subarray(i * D, (i + 1) * D).reduce((a, b) => a + b, 0) / D;
      assert.ok(
        Math.abs(mean - 0.25) < 0.05 || Math.abs(mean - 0.75) < 0.05,
        `sample ${i} has mean ${mean}, neither grey`,
      );
      if (mean > 0.5) light++;
    }
    // 0.7 of n, within 4 standard errors.
    assert.ok(Math.abs(light / n - 0.7) < 4 * Math.sqrt((0.7 * 0.3) / n), `${light} of ${n} light samples`);
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('many dequantization draws approach log P(k), the density integrated over the pixel bins, from below', async () => {
  const flow = await loadFlow();
  try {
    const images = randomImages(1, 2);
    const levels = levelsFromImages(images, 'test');
    // The affine density factorises, so log P(k) = Σ_j log ∫ p_j(k_j + u) du: 1-d integrals by a 4000-point midpoint rule.
    let truth = 0;
    for (let j = 0; j < D; j++) {
      const points = 4000;
      const values = Float64Array.from(
        { length: points },
        (_, q) => affinePixelLogDensity(j, (levels[j]! + (q + 0.5) / points) / 256) - Math.log(256),
      );
      truth += logMeanExp(values);
    }
    const [estimate] = await flow.logLikelihood(images, {
      rng: new Rng(8),
      batchSize: 64,
      samples: 512,
      source: 'test',
    });
    const value = estimate!.logLikelihoods[0]!;
    assert.equal(estimate!.samples, 512);
    assert.ok(value <= truth + 1e-4 && value > truth - 1e-3, `S = 512 estimate ${value} vs log P(k) = ${truth}`);
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('a nonlinear flow with a logit layer inverts itself: round trips x→z→x and z→x→z err by under 1e-4', async () => {
  const flow = await loadFlow({ nonlinear: true, logit: true });
  try {
    const rng = new Rng(3);
    const y = Float32Array.from({ length: 8 * D }, () => 0.02 + 0.96 * rng.uniform());
    const { z, logDet } = await flow.forward(y, 3);
    const back = await flow.inverse(z, 3);
    assert.ok(maxAbsDifference(y, back) < 1e-4, `x→z→x error ${maxAbsDifference(y, back)}`);
    const z0 = rng.normals(8 * D);
    const zBack = (await flow.forward(await flow.inverse(z0, 8), 8)).z;
    assert.ok(maxAbsDifference(z0, zBack) < 1e-4, `z→x→z error ${maxAbsDifference(z0, zBack)}`);
    assert.ok(logDet.every((v) => Number.isFinite(v) && v !== 0));
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('the flow log-determinant equals log|det| of the numerical Jacobian, to 1e-3', async () => {
  const flow = await loadFlow({ nonlinear: true, logit: true });
  try {
    const rng = new Rng(4);
    const y = Float32Array.from({ length: D }, () => 0.2 + 0.6 * rng.uniform());
    const { z, logDet } = await flow.forward(y, 1);
    // Central differences in float32 with h = 1e-3: the Jacobian to ~1e-5, its log-det to ~1e-3.
    const h = 1e-3;
    const shifted = new Float32Array(2 * D * D);
    for (let j = 0; j < D; j++) {
      shifted.set(y, 2 * j * D);
      shifted.set(y, (2 * j + 1) * D);
      shifted[2 * j * D + j]! += h;
      shifted[(2 * j + 1) * D + j]! -= h;
    }
    const out = (await flow.forward(shifted, 2 * D)).z;
    const jacobian = new Float64Array(D * D);
    for (let j = 0; j < D; j++) {
      for (let i = 0; i < D; i++) jacobian[i * D + j] = (out[2 * j * D + i]! - out[(2 * j + 1) * D + i]!) / (2 * h);
    }
    assert.ok(Math.abs(logAbsDet(jacobian, D) - logDet[0]!) < 1e-3, `${logAbsDet(jacobian, D)} vs ${logDet[0]}`);
    assert.equal(z.length, D);
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('flow samples and decoded latents are 8-bit images, the same for the same seed whatever the batch size', async () => {
  const flow = await loadFlow({ nonlinear: true, logit: true });
  try {
    const a = await flow.sample(6, new Rng(9), 4);
    const b = await flow.sample(6, new Rng(9), 6);
    assert.deepEqual(a.data, b.data);
    assert.ok(a.data.every((v) => Number.isInteger(Math.round(v * 255 * 1e3) / 1e3) && v >= 0 && v <= 1));
    const images = randomImages(5, 6);
    const reencoded = await flow.decode(await flow.encode(images, 5), 5);
    assert.ok(maxAbsDifference(images.data, reencoded.data) < 1e-6, 'encode then decode keeps every 8-bit level');
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('a flow that outputs NaN, or holds a layer genreport cannot invert, is stopped with the component named', async () => {
  const nan = await loadFlow({ nan: true });
  try {
    await assert.rejects(
      nan.logLikelihood(randomImages(2, 1), { rng: new Rng(1), batchSize: 2, samples: 1, source: 'test' }),
      /genmodel\.json: components\.flow: produced a non-finite value/,
    );
  } finally {
    disposeBundle(nan.bundle);
  }
  const bundle = await loadBundle(await writeTinyFlow({ foreignLayer: true }));
  try {
    assert.throws(
      () => modelForBundle(bundle),
      /components\.flow: layer "dense_\w+" \(Dense\) is not a genreport flow layer/,
    );
  } finally {
    disposeBundle(bundle);
  }
});

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** log|det| by LU with partial pivoting, float64. */
function logAbsDet(matrix: Float64Array, n: number): number {
  const a = Float64Array.from(matrix);
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[pivot * n + c]!)) pivot = r;
    for (let k = 0; k < n; k++) [a[c * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[c * n + k]!];
    sum += Math.log(Math.abs(a[c * n + c]!));
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / a[c * n + c]!;
      for (let k = c; k < n; k++) a[r * n + k]! -= f * a[c * n + k]!;
    }
  }
  return sum;
}
