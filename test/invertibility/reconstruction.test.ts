import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch } from '../../src/core/types.ts';
import { flowRoundTrip } from '../../src/invertibility/flow-round-trip.ts';
import { perImageMse, reconstructionMetrics } from '../../src/invertibility/reconstruction.ts';
import { FlowModel } from '../../src/models/adapters/flow.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { writeTinyFlow } from '../helpers/tiny-flow.ts';

test('reconstruction metrics: MSE per image, PSNR of the mean MSE, label share with a Wilson interval', async () => {
  const originals = imageBatch(4, 1, 2, 1, Float32Array.from([0, 1, 0.5, 0.5, 1, 1, 0, 0]));
  const reconstructions = imageBatch(4, 1, 2, 1, Float32Array.from([0, 1, 0.5, 0.7, 0.9, 0.9, 0, 0]));
  assert.deepEqual(
    [...perImageMse(originals, reconstructions)].map((v) => Number(v.toFixed(6))),
    [0, 0.02, 0.01, 0],
  );
  const metrics = await reconstructionMetrics(originals, reconstructions, {
    labels: [3, 1, 4, 1],
    predict: async () => [3, 1, 4, 7],
  });
  assert.ok(Math.abs(metrics.mse.mean - 0.0075) < 1e-7);
  assert.ok(Math.abs(metrics.psnr - 10 * Math.log10(1 / 0.0075)) < 1e-5);
  // Wilson 95% for 3 of 4: [0.3006, 0.9544] (standard tables).
  assert.equal(metrics.labelAgreement!.share, 0.75);
  assert.ok(
    Math.abs(metrics.labelAgreement!.low - 0.3006) < 1e-4 && Math.abs(metrics.labelAgreement!.high - 0.9544) < 1e-4,
  );
  // Only the bottom row: image 1 has no error there.
  const bottom = imageBatch(1, 2, 1, 1, Float32Array.from([0, 1]));
  assert.equal(
    (await reconstructionMetrics(bottom, imageBatch(1, 2, 1, 1, Float32Array.from([1, 1])), undefined, 1)).mse.mean,
    0,
  );
});

test('the flow round trip reports errors under 1e-4 both ways for an invertible flow', async () => {
  await initBackend('wasm');
  const flow = modelForBundle(await loadBundle(await writeTinyFlow({ nonlinear: true, logit: true })));
  assert.ok(flow instanceof FlowModel);
  try {
    const rng = new Rng(1);
    const images = imageBatch(
      6,
      4,
      4,
      1,
      Float32Array.from({ length: 96 }, () => rng.int(256) / 255),
    );
    const result = await flowRoundTrip(flow, images, 'test', new Rng(2), 4);
    assert.equal(result.n, 6);
    assert.ok(result.imageToImage.max < 1e-4 && result.latentToLatent.max < 1e-4, JSON.stringify(result));
    assert.ok(result.imageToImage.mean <= result.imageToImage.max && result.imageToImage.max > 0);
  } finally {
    disposeBundle(flow.bundle);
  }
});

test('z → x → z leaves out prior draws whose image the forward cannot take back, counts them, and still fails a broken forward', async () => {
  await initBackend('wasm');
  const flow = modelForBundle(await loadBundle(await writeTinyFlow({ nonlinear: true, logit: true })));
  assert.ok(flow instanceof FlowModel);
  try {
    const rng = new Rng(1);
    const images = imageBatch(
      6,
      4,
      4,
      1,
      Float32Array.from({ length: 96 }, () => rng.int(256) / 255),
    );
    const z = flow.samplePrior(6, new Rng(2).fork('round-trip-z'));
    // Draws 1 and 4 land where the forward is not finite, as a saturated logit's image does.
    const isPriorDraws = (latents: Float32Array) => latents.length === z.length && latents.every((v, i) => v === z[i]);
    const inverse = async (latents: Float32Array, b: number) => {
      const x = await flow.inverse(latents, b);
      if (isPriorDraws(latents)) for (const i of [1, 4]) x[i * 16] = Number.NaN;
      return x;
    };
    const forward = async (x: Float32Array, b: number) => {
      if (x.some((v) => Number.isNaN(v))) throw new Error('components.forward: produced a non-finite value (NaN)');
      return flow.forward(x, b);
    };
    const model = { bundle: flow.bundle, latents: flow, inversion: { ...flow.inversion, inverse, forward } };
    const result = await flowRoundTrip(model, images, 'test', new Rng(2), 4);
    assert.equal(result.outsideDomain, 2);
    assert.ok(result.latentToLatent.max < 1e-4 && Number.isFinite(result.latentToLatent.mean), JSON.stringify(result));
    const healthy = await flowRoundTrip(flow, images, 'test', new Rng(2), 4);
    assert.equal(healthy.outsideDomain, 0);
    // A forward that takes no image back is broken, not unlucky: the error stands.
    const broken = {
      ...model,
      inversion: { ...flow.inversion, forward: async () => Promise.reject(new Error('broken forward')) },
    };
    await assert.rejects(flowRoundTrip(broken, images, 'test', new Rng(2), 4), /broken forward/);
  } finally {
    disposeBundle(flow.bundle);
  }
});
