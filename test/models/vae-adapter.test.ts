import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { levelsFromImages } from '../../src/density/data-space.ts';
import { meanInterval, type MeanInterval } from '../../src/density/nll-summary.ts';
import { VaeModel } from '../../src/models/adapters/vae.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { tinyVaeLogLikelihoodGivenZ, tinyVaeTruth, VAE_SIDE, writeTinyVae, type TinyVaeOptions } from '../helpers/tiny-vae.ts';

await initBackend('wasm');

const D = VAE_SIDE * VAE_SIDE;

/** An image near the model's mean at z = 1.2, and `copies` copies of it (averaging copies averages Monte Carlo noise). */
function testImage(copies: number): ImageBatch {
  const one = Float32Array.from({ length: D }, (_, j) => Math.round(255 * (0.5 + 0.2 * Math.cos(1.7 * j) * 1.2 + 0.03 * Math.sin(5 * j))) / 255);
  const data = new Float32Array(copies * D);
  for (let c = 0; c < copies; c++) data.set(one, c * D);
  return imageBatch(copies, VAE_SIDE, VAE_SIDE, 1, data);
}

async function loadVae(options: TinyVaeOptions): Promise<VaeModel> {
  const model = modelForBundle(await loadBundle(await writeTinyVae(options)));
  assert.ok(model instanceof VaeModel);
  return model;
}

const truth = tinyVaeTruth(levelsFromImages(testImage(1), 'test'));

test('with q(z|x) at the exact posterior moments, the importance-weighted bound reaches the true log-likelihood to 1e-4 relative', async () => {
  const vae = await loadVae({ qMean: truth.posteriorMean, qLogVar: Math.log(truth.posteriorVariance) });
  try {
    const [, iwae] = await vae.logLikelihood(testImage(20), { rng: new Rng(1), batchSize: 512, samples: 256, source: 'test' });
    const mean = meanInterval(iwae.logLikelihoods).mean;
    assert.ok(Math.abs(mean - truth.logLikelihood) <= 1e-4 * Math.abs(truth.logLikelihood), `IWAE-256 ${mean} vs true ${truth.logLikelihood}`);
  } finally {
    disposeBundle(vae.bundle);
  }
});

test('the ELBO equals its quadrature value, the bounds lie below the true value, and IWAE tightens as K grows (1, 4, 256)', async () => {
  // A deliberately poor q, so the gaps are wide enough to see.
  const q = { qMean: truth.posteriorMean + 0.3, qLogVar: Math.log(truth.posteriorVariance * 3) };
  const vae = await loadVae(q);
  try {
    const images = testImage(256);
    const run = async (k: number) => vae.logLikelihood(images, { rng: new Rng(k), batchSize: 4096, samples: k, source: 'test' });
    const [elbo1, iwae1] = await run(1);
    const [, iwae4] = await run(4);
    const [elbo64, iwae64] = await run(64);
    const [, iwae256] = await run(256);
    // ELBO by quadrature: E_q log P(x|z) − KL(q ‖ N(0, 1)).
    const levels = levelsFromImages(testImage(1), 'test');
    const s = Math.exp(0.5 * q.qLogVar);
    let expected = 0;
    const points = 8001;
    for (let i = 0; i < points; i++) {
      const e = -8 + (16 * i) / (points - 1);
      expected += (Math.exp(-0.5 * e * e) / Math.sqrt(2 * Math.PI)) * tinyVaeLogLikelihoodGivenZ(levels, q.qMean + s * e) * (16 / (points - 1));
    }
    expected -= 0.5 * (q.qMean ** 2 + Math.exp(q.qLogVar) - 1 - q.qLogVar);
    const elbo = meanInterval(elbo64.logLikelihoods);
    assert.ok(Math.abs(elbo.mean - expected) < 4 * (elbo.sd / Math.sqrt(elbo.n)) + 1e-6, `ELBO ${elbo.mean} vs quadrature ${expected}`);
    const means = [elbo1, iwae1, iwae4, iwae256].map((e) => meanInterval(e.logLikelihoods));
    const se = (m: MeanInterval): number => m.sd / Math.sqrt(m.n);
    assert.ok(means[0].high < truth.logLikelihood, `ELBO ${means[0].mean} lies below log p(x) = ${truth.logLikelihood}`);
    for (const m of means.slice(1)) assert.ok(m.mean <= truth.logLikelihood + 3 * se(m), `IWAE ${m.mean} ± ${se(m)} lies below ${truth.logLikelihood}`);
    const apart = (a: MeanInterval, b: MeanInterval): boolean => b.mean - a.mean > 2 * Math.hypot(se(a), se(b));
    assert.ok(apart(means[1], means[2]) && apart(means[2], means[3]), `IWAE tightens with K: ${means.map((m) => m.mean.toFixed(4)).join(' < ')}`);
    assert.ok(truth.logLikelihood - means[3].mean < 0.1 * (truth.logLikelihood - means[1].mean), 'K = 256 closes most of the K = 1 gap');
    assert.ok(elbo64.label.includes('lower bound') && iwae64.label.includes('K = 64'));
  } finally {
    disposeBundle(vae.bundle);
  }
});

test('VAE samples are the decoder mean: seeded, in [0, 1], and decode(encode(x)) is the mean at q\'s mean', async () => {
  const vae = await loadVae({ qMean: 0.7, qLogVar: -2 });
  try {
    const a = await vae.sample(5, new Rng(2), 2);
    const b = await vae.sample(5, new Rng(2), 5);
    assert.deepEqual(a.data, b.data);
    const { mean } = await vae.encode(testImage(3), 2);
    assert.deepEqual([...mean], [0.7, 0.7, 0.7].map(Math.fround));
    const decoded = await vae.decode(mean, 3);
    assert.ok(Math.abs(decoded.data[1] - (0.5 + 0.2 * Math.cos(1.7) * 0.7)) < 1e-6);
  } finally {
    disposeBundle(vae.bundle);
  }
});

test('a decoder whose output disagrees with likelihood.form is stopped with the component named', async () => {
  const vae = await loadVae({ qMean: 0, qLogVar: 0, parametersPerPixel: 3 });
  try {
    await assert.rejects(
      vae.logLikelihood(testImage(2), { rng: new Rng(1), batchSize: 4, samples: 2, source: 'test' }),
      /components\.decoder: decoder produced shape \[4, 4, 4, 3\], but likelihood\.form "discretized-logistic" \(2 parameters per pixel\) needs \[4, 4, 4, 2\]/,
    );
  } finally {
    disposeBundle(vae.bundle);
  }
});
