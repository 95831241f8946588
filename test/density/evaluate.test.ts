import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densityRow, densityRows, densitySection } from '../../src/assemble/density-section.ts';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { evaluateDensity, type DensityContext } from '../../src/density/evaluate.ts';
import { fitIndependentPixels, independentPixelsLikelihood } from '../../src/density/independent-pixels.ts';
import { GAN_NO_DENSITY } from '../../src/likelihood/likelihood-estimate.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import type { GenerativeModel } from '../../src/models/generative-model.ts';
import { smoothConditionals, writeTinyAutoregressive } from '../helpers/tiny-autoregressive.ts';
import { writeTinyFlow } from '../helpers/tiny-flow.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');

function eightBit(n: number, side: number, seed: number): ImageBatch {
  const rng = new Rng(seed);
  return imageBatch(
    n,
    side,
    side,
    1,
    Float32Array.from({ length: n * side * side }, () => rng.int(256) / 255),
  );
}

const CONFIG = { iwaeSamples: 8, dequantizationSamples: 2, parzen: false };

function context(test: ImageBatch, overrides: Partial<DensityContext> = {}): DensityContext {
  return { test, source: 'test images', config: CONFIG, rng: new Rng(3), batchSize: 16, ...overrides };
}

async function withModel<T>(dir: Promise<string>, use: (model: GenerativeModel) => Promise<T>): Promise<T> {
  const model = modelForBundle(await loadBundle(await dir));
  try {
    return await use(model);
  } finally {
    disposeBundle(model.bundle);
  }
}

test('a VAE gives two lower bounds, ELBO and IWAE with K as configured, the gap on the IWAE row', async () => {
  const images = eightBit(12, 4, 1);
  const density = await withModel(writeTinyVae({ qMean: 0, qLogVar: -1 }), (m) =>
    evaluateDensity('vae', m, context(images)),
  );
  const { entries } = density;
  const rows = densityRows('vae', density, 16);
  assert.deepEqual(
    rows.map((r) => [r.estimator, r.kind, r.samples, r.n]),
    [
      ['elbo', 'bound', 8, 12],
      ['iwae', 'bound', 8, 12],
    ],
  );
  assert.equal(entries.length, 2);
  const [elbo, iwae] = rows;
  assert.equal(elbo!.gap, undefined);
  // gap = mean IWAE − mean ELBO in log-likelihood, so NLL(ELBO) − NLL(IWAE).
  assert.ok(Math.abs(iwae!.gap! - (elbo!.natsPerImage!.value - iwae!.natsPerImage!.value)) < 1e-9);
  // bits/dim = nats / (D ln 2), D = 16; the interval brackets the value.
  assert.ok(Math.abs(iwae!.bitsPerDim!.value - iwae!.natsPerImage!.value / (16 * Math.LN2)) < 1e-12);
  assert.ok(
    iwae!.natsPerImage!.low < iwae!.natsPerImage!.value && iwae!.natsPerImage!.value < iwae!.natsPerImage!.high,
  );
  assert.match(iwae!.label, /lower bound/);
  assert.ok(iwae!.secondsPerImage! > 0);
});

test('a flow is a bound with S dequantization draws; an autoregressive model is exact', async () => {
  const images = eightBit(6, 4, 2);
  const flow = await withModel(writeTinyFlow({ nonlinear: true, logit: true }), (m) =>
    evaluateDensity('flow', m, context(images)),
  );
  assert.deepEqual(
    densityRows('flow', flow, 16).map((r) => [r.estimator, r.kind, r.samples]),
    [['dequantized', 'bound', 2]],
  );
  const ar = await withModel(writeTinyAutoregressive(smoothConditionals()), (m) =>
    evaluateDensity('ar', m, context(images)),
  );
  assert.deepEqual(
    densityRows('ar', ar, 16).map((r) => [r.estimator, r.kind, r.dataSpace]),
    [['exact', 'exact', 'uint8-4x4x1']],
  );
});

test('a GAN has no density and says why; Parzen only when asked, labelled unreliable', async () => {
  const images = eightBit(8, 8, 3);
  const none = await withModel(writeTinyGan(), (m) => evaluateDensity('gan', m, context(images)));
  assert.deepEqual(none, { entries: [], missing: { kind: 'none', label: 'no density', reason: GAN_NO_DENSITY } });
  assert.deepEqual(densityRows('gan', none, 64), [
    { model: 'gan', kind: 'none', label: 'no density', reason: GAN_NO_DENSITY },
  ]);
  const parzen = await withModel(writeTinyGan(), async (m) =>
    evaluateDensity(
      'gan',
      m,
      context(images, {
        config: { ...CONFIG, parzen: true },
        parzen: { generated: await m.sample(20, new Rng(4), 10), validation: eightBit(5, 8, 5) },
      }),
    ),
  );
  const parzenRows = densityRows('gan', parzen, 64);
  assert.deepEqual(
    parzenRows.map((r) => [r.estimator, r.kind]),
    [['parzen', 'unreliable']],
  );
  assert.match(parzenRows[0]!.label, /unreliable/);
});

test('a shape error fails the density cell with the message instead of throwing', async () => {
  const images = eightBit(4, 4, 6);
  // A decoder that declares no fixed shape would pass the build-time check: swap a wrong one in after it.
  const wrong = await loadBundle(await writeTinyVae({ qMean: 0, qLogVar: 0, parametersPerPixel: 3 }));
  const density = await withModel(writeTinyVae({ qMean: 0, qLogVar: 0 }), (m) => {
    m.bundle.components.decoder = wrong.components.decoder;
    m.bundle.runnable.decoder = wrong.runnable.decoder;
    return evaluateDensity('bad-vae', m, context(images));
  });
  const { entries } = density;
  const rows = densityRows('bad-vae', density, 16);
  assert.equal(entries.length, 0);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.kind, 'failed');
  assert.match(rows[0]!.reason!, /decoder produced shape/);
});

test('images off the 8-bit grid fail the cell, naming the source', async () => {
  const images = imageBatch(2, 4, 4, 1, new Float32Array(32).fill(0.5));
  const rows = densityRows(
    'ar',
    await withModel(writeTinyAutoregressive(smoothConditionals()), (m) => evaluateDensity('ar', m, context(images))),
    16,
  );
  assert.equal(rows[0]!.kind, 'failed');
  assert.match(rows[0]!.reason!, /test images.*not an 8-bit level/);
});

test('the section ranks models with the reference on one data space, best first, and sets another data space apart', async () => {
  const images = eightBit(10, 4, 7);
  const vae = await withModel(writeTinyVae({ qMean: 0, qLogVar: -1 }), (m) =>
    evaluateDensity('vae', m, context(images)),
  );
  const ar = await withModel(writeTinyAutoregressive(smoothConditionals()), (m) =>
    evaluateDensity('ar', m, context(images)),
  );
  const estimate = independentPixelsLikelihood(fitIndependentPixels(eightBit(50, 4, 8), 'train'), images, 'test');
  const reference = { model: 'pixels', estimate };
  const other = {
    ...ar.entries[0],
    model: 'big-ar',
    estimate: { ...ar.entries[0]!.estimate, dataSpace: 'uint8-8x8x1' },
  };
  const models = [
    { model: 'vae', density: vae },
    { model: 'ar', density: ar },
    { model: 'big-ar', density: { entries: [other] } },
  ];
  const section = densitySection({ images: 10, dimensions: 16, source: 'test', models, reference });
  assert.equal(section.groups.length, 1);
  assert.equal(section.groups[0]!.dataSpace, 'uint8-4x4x1');
  const best = (model: string) =>
    Math.min(...[...section.rows, section.reference!].filter((r) => r.model === model).map((r) => r.bitsPerDim!.value));
  assert.deepEqual(
    section.groups[0]!.models,
    ['vae', 'ar', 'pixels'].sort((a, b) => best(a) - best(b)),
  );
  assert.deepEqual(
    section.apart.map((a) => a.model),
    ['big-ar'],
  );
  assert.match(section.apart[0]!.reason, /uint8-8x8x1.*not comparable/);
  assert.deepEqual(section.reference, densityRow('pixels', estimate, 16));
});

test('with no model likelihood the reference is neither ranked nor set apart; a Parzen estimate is set apart', async () => {
  const images = eightBit(6, 8, 9);
  const parzen = await withModel(writeTinyGan(), async (m) =>
    evaluateDensity(
      'gan',
      m,
      context(images, {
        config: { ...CONFIG, parzen: true },
        parzen: { generated: await m.sample(20, new Rng(4), 10), validation: eightBit(5, 8, 5) },
      }),
    ),
  );
  const estimate = independentPixelsLikelihood(fitIndependentPixels(eightBit(30, 8, 10), 'train'), images, 'test');
  const section = densitySection({
    images: 6,
    dimensions: 64,
    source: 'test',
    models: [{ model: 'gan', density: parzen }],
    reference: { model: 'pixels', estimate },
  });
  assert.deepEqual(section.groups, []);
  assert.deepEqual(
    section.apart.map((a) => a.model),
    ['gan'],
  );
  assert.match(section.apart[0]!.reason, /not a likelihood/);
});
