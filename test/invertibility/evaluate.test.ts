import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { invertibilityRow } from '../../src/assemble/invertibility-section.ts';
import {
  evaluateInvertibility as evaluateResult,
  type InvertibilityContext,
} from '../../src/invertibility/evaluate.ts';

/** The check and the report row assemble makes of it, as a report shows them. */
async function evaluateInvertibility(name: string, model: GenerativeModel, context: InvertibilityContext) {
  const { result, grids } = await evaluateResult(name, model, context);
  return { row: invertibilityRow(name, result), grids };
}
import { pairRows } from '../../src/invertibility/grids.ts';
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

function context(images: ImageBatch, overrides: Partial<InvertibilityContext> = {}): InvertibilityContext {
  return {
    images,
    source: 'test images',
    config: { restarts: 2, steps: 5, learningRate: 0.05 },
    rng: new Rng(9),
    batchSize: 16,
    ...overrides,
  };
}

async function withModel<T>(dir: Promise<string>, use: (model: GenerativeModel) => Promise<T>): Promise<T> {
  const model = modelForBundle(await loadBundle(await dir));
  try {
    return await use(model);
  } finally {
    disposeBundle(model.bundle);
  }
}

test('pair rows put each row of originals above its reconstructions', () => {
  const originals = imageBatch(3, 1, 1, 1, Float32Array.from([1, 2, 3]));
  const reconstructions = imageBatch(3, 1, 1, 1, Float32Array.from([4, 5, 6]));
  // Two columns: [1 2] [4 5] [3 _] [6 _]
  assert.deepEqual([...pairRows(originals, reconstructions, 2).data], [1, 2, 4, 5, 3, 0, 6, 0]);
});

test('a flow: round-trip errors both ways and an interpolation grid between encoded test images', async () => {
  const images = eightBit(8, 4, 1);
  const { row, grids } = await withModel(writeTinyFlow({ nonlinear: true, logit: true }), (m) =>
    evaluateInvertibility('flow', m, context(images)),
  );
  assert.equal(row.method, 'round-trip');
  assert.equal(row.n, 8);
  assert.ok(row.roundTrip!.imageToImage.max < 1e-4 && row.roundTrip!.latentToLatent.max < 1e-4);
  assert.deepEqual(
    grids.map((g) => [g.kind, g.batch.n, g.columns]),
    [['interpolation', 4 * 8, 8]],
  );
});

test('a VAE: MSE, PSNR and label agreement through the encoder mean; reconstruction and interpolation grids', async () => {
  const images = eightBit(6, 4, 2);
  const labels = [0, 1, 2, 3, 4, 5];
  const { row, grids } = await withModel(writeTinyVae({ qMean: 0.3, qLogVar: -1 }), (m) =>
    evaluateInvertibility(
      'vae',
      m,
      context(images, { labels, predict: async (batch) => Array.from({ length: batch.n }, (_, i) => (i < 3 ? i : 9)) }),
    ),
  );
  assert.equal(row.method, 'reconstruction');
  assert.ok(row.mse!.value > 0 && Math.abs(row.psnr! - 10 * Math.log10(1 / row.mse!.value)) < 1e-9);
  assert.equal(row.labelAgreement!.value, 0.5);
  assert.equal(row.labelAgreement!.n, 6);
  // 6 images, fewer than a row of 8: 6 columns, one row of originals and one of reconstructions, no blank cells; 3 pairs to interpolate.
  assert.deepEqual(
    grids.map((g) => [g.kind, g.batch.n, g.columns]),
    [
      ['pairs', 12, 6],
      ['interpolation', 3 * 8, 8],
    ],
  );
});

test('a GAN: inversion by seeded latent optimisation, the same result for the same seed', async () => {
  const images = eightBit(4, 8, 3);
  const dir = writeTinyGan();
  const run = () => withModel(dir, (m) => evaluateInvertibility('gan', m, context(images)));
  const [a, b] = [await run(), await run()];
  assert.equal(a.row.method, 'inversion');
  assert.match(a.row.label, /5 steps, best of 2 seeded restarts, no encoder/);
  assert.equal(a.row.mse!.value, b.row.mse!.value);
  assert.ok(a.row.secondsPerImage! > 0);
  assert.equal(a.row.labelAgreement, undefined);
  assert.deepEqual(
    a.grids.map((g) => g.kind),
    ['pairs', 'interpolation'],
  );
});

test('an autoregressive model: no latent, the bottom half completed; a NaN generator fails only its row', async () => {
  const images = eightBit(4, 4, 4);
  const ar = await withModel(writeTinyAutoregressive(smoothConditionals()), (m) =>
    evaluateInvertibility('ar', m, context(images)),
  );
  assert.equal(ar.row.method, 'completion');
  assert.match(ar.row.label, /no latent/);
  // The top half is kept as it was.
  // 4 images: 4 columns, so the completed row starts 4 images (of 16 pixels) in.
  const completed = ar.grids[0]!.batch;
  assert.equal(ar.grids[0]!.columns, 4);
  assert.deepEqual([...completed.data.subarray(4 * 16, 4 * 16 + 8)], [...images.data.subarray(0, 8)]);
  const nan = await withModel(writeTinyGan({ nan: true }), (m) =>
    evaluateInvertibility('nan-gan', m, context(eightBit(2, 8, 5))),
  );
  assert.equal(nan.row.method, 'failed');
  assert.match(nan.row.reason!, /generator/);
  assert.deepEqual(nan.grids, []);
});
