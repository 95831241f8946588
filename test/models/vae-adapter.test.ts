import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { levelsFromImages } from '../../src/likelihood/data-space.ts';
import { meanInterval, type MeanInterval } from '../../src/likelihood/nll-summary.ts';
import { VaeModel } from '../../src/models/adapters/vae.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import {
  tinyVaeLogLikelihoodGivenZ,
  tinyVaeTruth,
  VAE_SIDE,
  writeTinyVae,
  type TinyVaeOptions,
} from '../helpers/tiny-vae.ts';

await initBackend('wasm');

const D = VAE_SIDE * VAE_SIDE;

/** An image near the model's mean at z = 1.2, and `copies` copies of it (averaging copies averages Monte Carlo noise). */
function testImage(copies: number): ImageBatch {
  const one = Float32Array.from(
    { length: D },
    (_, j) => Math.round(255 * (0.5 + 0.2 * Math.cos(1.7 * j) * 1.2 + 0.03 * Math.sin(5 * j))) / 255,
  );
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
    const [, iwae] = await vae.logLikelihood(testImage(20), {
      rng: new Rng(1),
      batchSize: 512,
      samples: 256,
      source: 'test',
    });
    const mean = meanInterval(iwae!.logLikelihoods).mean;
    assert.ok(
      Math.abs(mean - truth.logLikelihood) <= 1e-4 * Math.abs(truth.logLikelihood),
      `IWAE-256 ${mean} vs true ${truth.logLikelihood}`,
    );
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
    const run = async (k: number) =>
      vae.logLikelihood(images, { rng: new Rng(k), batchSize: 4096, samples: k, source: 'test' });
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
      expected +=
        (Math.exp(-0.5 * e * e) / Math.sqrt(2 * Math.PI)) *
        tinyVaeLogLikelihoodGivenZ(levels, q.qMean + s * e) *
        (16 / (points - 1));
    }
    expected -= 0.5 * (q.qMean ** 2 + Math.exp(q.qLogVar) - 1 - q.qLogVar);
    const elbo = meanInterval(elbo64!.logLikelihoods);
    assert.ok(
      Math.abs(elbo.mean - expected) < 4 * (elbo.sd / Math.sqrt(elbo.n)) + 1e-6,
      `ELBO ${elbo.mean} vs quadrature ${expected}`,
    );
    const means = [elbo1, iwae1, iwae4, iwae256].map((e) => meanInterval(e!.logLikelihoods));
    const se = (m: MeanInterval): number => m.sd / Math.sqrt(m.n);
    assert.ok(
      means[0]!.high < truth.logLikelihood,
      `ELBO ${means[0]!.mean} lies below log p(x) = ${truth.logLikelihood}`,
    );
    for (const m of means.slice(1))
      assert.ok(
        m.mean <= truth.logLikelihood + 3 * se(m),
        `IWAE ${m.mean} ± ${se(m)} lies below ${truth.logLikelihood}`,
      );
    const apart = (a: MeanInterval, b: MeanInterval): boolean => b.mean - a.mean > 2 * Math.hypot(se(a), se(b));
    assert.ok(
      apart(means[1]!, means[2]!) && apart(means[2]!, means[3]!),
      `IWAE tightens with K: ${means.map((m) => m.mean.toFixed(4)).join(' < ')}`,
    );
    assert.ok(
      truth.logLikelihood - means[3]!.mean < 0.1 * (truth.logLikelihood - means[1]!.mean),
      'K = 256 closes most of the K = 1 gap',
    );
    assert.ok(elbo64!.label.includes('lower bound') && iwae64!.label.includes('K = 64'));
  } finally {
    disposeBundle(vae.bundle);
  }
});

test("VAE samples are the decoder mean: seeded, in [0, 1], and decode(encode(x)) is the mean at q's mean", async () => {
  const vae = await loadVae({ qMean: 0.7, qLogVar: -2 });
  try {
    const a = await vae.sample(5, new Rng(2), 2);
    const b = await vae.sample(5, new Rng(2), 5);
    assert.deepEqual(a.data, b.data);
    const { mean } = await vae.encode(testImage(3), 2);
    assert.deepEqual([...mean], [0.7, 0.7, 0.7].map(Math.fround));
    const decoded = await vae.decode(mean, 3);
    assert.ok(Math.abs(decoded.data[1]! - (0.5 + 0.2 * Math.cos(1.7) * 0.7)) < 1e-6);
  } finally {
    disposeBundle(vae.bundle);
  }
});

test('a decoder whose output disagrees with likelihood.form is stopped when the model is built, with the field named', async () => {
  // Before any likelihood is computed: the decoder declares its output shape.
  await assert.rejects(
    loadVae({ qMean: 0, qLogVar: 0, parametersPerPixel: 3 }),
    /genmodel\.json: likelihood\.form: 1 channel\(s\) × 2 parameters per pixel \(likelihood\.form\) is 2, but components\.decoder makes \[n, 4, 4, 3\]/,
  );
});

// A two-component prior, far from N(0, 1), so a bound that ignored it would miss.
const MIXTURE = { weights: [0.3, 0.7], means: [[-1.5]], logVariances: [[Math.log(0.2)]] };
MIXTURE.means.push([1.0]);
MIXTURE.logVariances.push([Math.log(0.5)]);
function mixtureLogDensity(z: number): number {
  const comp = (w: number, m: number, lv: number) =>
    w * Math.exp(-0.5 * ((z - m) ** 2 / Math.exp(lv) + lv + Math.log(2 * Math.PI)));
  return Math.log(comp(0.3, -1.5, Math.log(0.2)) + comp(0.7, 1.0, Math.log(0.5)));
}

test('with a mixture prior, the bounds use it: the ELBO equals its quadrature value and IWAE-256 nears the true log p(x)', async () => {
  const levels = levelsFromImages(testImage(1), 'test');
  const mixtureTruth = tinyVaeTruth(levels, mixtureLogDensity);
  const q = { qMean: mixtureTruth.posteriorMean, qLogVar: Math.log(mixtureTruth.posteriorVariance) };
  const vae = await loadVae({ ...q, mixture: MIXTURE });
  try {
    const [elbo, iwae] = await vae.logLikelihood(testImage(256), {
      rng: new Rng(3),
      batchSize: 4096,
      samples: 256,
      source: 'test',
    });
    // E_q[log P(x|z) + log p(z) − log q(z|x)] by quadrature.
    const s = Math.exp(0.5 * q.qLogVar);
    let expected = 0;
    const points = 8001;
    for (let i = 0; i < points; i++) {
      const e = -8 + (16 * i) / (points - 1);
      const z = q.qMean + s * e;
      const logQ = -0.5 * e * e - 0.5 * Math.log(2 * Math.PI) - Math.log(s);
      expected +=
        (Math.exp(-0.5 * e * e) / Math.sqrt(2 * Math.PI)) *
        (tinyVaeLogLikelihoodGivenZ(levels, z) + mixtureLogDensity(z) - logQ) *
        (16 / (points - 1));
    }
    const e = meanInterval(elbo!.logLikelihoods);
    assert.ok(
      Math.abs(e.mean - expected) < 4 * (e.sd / Math.sqrt(e.n)) + 1e-6,
      `ELBO ${e.mean} vs quadrature ${expected}`,
    );
    assert.match(elbo!.label, /prior a mixture of 2 diagonal Gaussians/);
    const w = meanInterval(iwae!.logLikelihoods);
    assert.ok(
      w.mean <= mixtureTruth.logLikelihood + 3 * (w.sd / Math.sqrt(w.n)),
      `IWAE ${w.mean} lies below ${mixtureTruth.logLikelihood}`,
    );
    assert.ok(
      mixtureTruth.logLikelihood - w.mean < 1e-3 * Math.abs(mixtureTruth.logLikelihood),
      `IWAE-256 ${w.mean} near ${mixtureTruth.logLikelihood}`,
    );
    // Under N(0, 1) the true value differs by far more than that tolerance: the prior matters here.
    assert.ok(Math.abs(truth.logLikelihood - mixtureTruth.logLikelihood) > 0.05);
  } finally {
    disposeBundle(vae.bundle);
  }
});

test('a one-component mixture at N(0, 1) gives the same IWAE as the normal prior, draw for draw', async () => {
  const normal = await loadVae({ qMean: 0.4, qLogVar: -1 });
  const mixture = await loadVae({
    qMean: 0.4,
    qLogVar: -1,
    mixture: { weights: [1], means: [[0]], logVariances: [[0]] },
  });
  try {
    const run = (vae: VaeModel) =>
      vae.logLikelihood(testImage(8), { rng: new Rng(5), batchSize: 64, samples: 8, source: 'test' });
    const [[elboN, iwaeN], [elboM, iwaeM]] = [await run(normal), await run(mixture)];
    for (let i = 0; i < 8; i++) {
      assert.ok(Math.abs(iwaeN!.logLikelihoods[i]! - iwaeM!.logLikelihoods[i]!) < 1e-9);
      // Analytic KL against its 8-draw Monte Carlo estimate: close, not equal.
      assert.ok(Math.abs(elboN!.logLikelihoods[i]! - elboM!.logLikelihoods[i]!) < 0.5);
    }
  } finally {
    disposeBundle(normal.bundle);
    disposeBundle(mixture.bundle);
  }
});

test('VAE samples decode draws from the mixture prior: their latents show its two modes', async () => {
  const vae = await loadVae({ qMean: 0, qLogVar: 0, mixture: MIXTURE });
  try {
    const images = await vae.sample(2000, new Rng(4), 500);
    // Pixel 1's mean is 0.5 + 0.2·w_1·z with w_1 = cos 1.7 < 0: read z back from it.
    const w1 = Math.cos(1.7);
    let low = 0;
    for (let i = 0; i < images.n; i++) if ((images.data[i * D + 1]! - 0.5) / (0.2 * w1) < -0.25) low++;
    // P(z < −0.25) under the mixture: 0.3·Φ((−0.25 + 1.5)/√0.2) + 0.7·Φ((−0.25 − 1)/√0.5) = 0.3·0.9974 + 0.7·0.0385.
    const expected = 0.3 * 0.99741 + 0.7 * 0.03855;
    const se = Math.sqrt((expected * (1 - expected)) / images.n);
    assert.ok(Math.abs(low / images.n - expected) < 4 * se, `share below −0.25: ${low / images.n} vs ${expected}`);
  } finally {
    disposeBundle(vae.bundle);
  }
});
