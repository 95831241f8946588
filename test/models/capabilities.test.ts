/**
 * Models are asked what they can do. Each adapter declares the capabilities
 * of its family (docs/model-bundles.md's table), and the stages after models
 * read only those: a model that is no adapter class at all, made of
 * capabilities alone, gets its density and invertibility rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { densityRows } from '../../src/assemble/density-section.ts';
import { evaluateDensity } from '../../src/density/evaluate.ts';
import { invertibilityRow } from '../../src/assemble/invertibility-section.ts';
import {
  evaluateInvertibility as evaluateResult,
  type InvertibilityContext,
} from '../../src/invertibility/evaluate.ts';
import { disposeBundle, loadBundle, type Bundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import type { GenerativeModel, LatentSpace } from '../../src/models/generative-model.ts';
import { loadModel } from '../../src/models/load-model.ts';
import { truncatable } from '../../src/truncation/sweep.ts';
import { smoothConditionals, writeTinyAutoregressive } from '../helpers/tiny-autoregressive.ts';
import { writeTinyFlow } from '../helpers/tiny-flow.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');
const fixtures = resolve(import.meta.dirname, '../fixtures/models-onnx');

interface Declared {
  likelihood?: string;
  latents: boolean;
  inversion?: string;
  complete: boolean;
  truncate: boolean;
}

function declared(model: GenerativeModel): Declared {
  return {
    likelihood: model.likelihood && `${model.likelihood.kind}/${model.likelihood.draws}`,
    latents: Boolean(model.latents),
    inversion: model.inversion?.kind,
    complete: Boolean(model.complete),
    truncate: Boolean(model.truncate),
  };
}

async function capabilitiesOf(
  dir: string | Promise<string>,
): Promise<Declared & { noLikelihood?: string; noInversion?: string }> {
  const { bundle, model } = await loadModel(await dir);
  try {
    return { ...declared(model), noLikelihood: model.noLikelihood, noInversion: model.noInversion };
  } finally {
    disposeBundle(bundle);
  }
}

/** The invertibility check and the report row assemble makes of it. */
async function evaluateInvertibility(name: string, model: GenerativeModel, context: InvertibilityContext) {
  const { result, grids } = await evaluateResult(name, model, context);
  return { row: invertibilityRow(name, result), grids };
}

test('each family declares its capabilities', async () => {
  const gan = await capabilitiesOf(writeTinyGan());
  assert.deepEqual(
    { ...gan, noLikelihood: undefined },
    {
      likelihood: undefined,
      latents: true,
      inversion: 'search',
      complete: false,
      truncate: true,
      noLikelihood: undefined,
      noInversion: undefined,
    },
  );
  assert.match(gan.noLikelihood!, /a GAN defines images through a generator but no probability/);
  assert.deepEqual(declared(modelForBundle(await loadBundle(await writeTinyVae({ qMean: 0, qLogVar: -1 })))), {
    likelihood: 'bound/importance',
    latents: true,
    inversion: 'encoder',
    complete: false,
    truncate: false,
  });
  assert.deepEqual(declared(modelForBundle(await loadBundle(await writeTinyFlow({ nonlinear: true, logit: true })))), {
    likelihood: 'bound/dequantization',
    latents: true,
    inversion: 'exact',
    complete: false,
    truncate: false,
  });
  assert.deepEqual(declared(modelForBundle(await loadBundle(await writeTinyAutoregressive(smoothConditionals())))), {
    likelihood: 'exact/none',
    latents: false,
    inversion: undefined,
    complete: true,
    truncate: false,
  });
});

test('an ONNX generator gives no gradients: no latent search, and the model says why', async () => {
  const gan = await capabilitiesOf(join(fixtures, 'gan-mnist-size'));
  assert.equal(gan.inversion, undefined);
  assert.equal(gan.truncate, true);
  assert.match(gan.noInversion!, /the generator is ONNX, which gives no gradients here/);
});

/** A model of capabilities alone: a linear decoder x = W z on 2×2 images, its encoder W⁺, and a stated likelihood. */
function capabilitiesOnly(): GenerativeModel & { likelihoodSamples: number[] } {
  const dim = 2;
  // x = (z0, z1, z0, z1) per image; W⁺ averages the two copies.
  const decode = async (latents: Float32Array): Promise<ImageBatch> => {
    const n = latents.length / dim;
    const data = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) data[i * 4 + j] = latents[i * dim + (j % 2)]!;
    return imageBatch(n, 2, 2, 1, data);
  };
  const space: LatentSpace = {
    latentDim: dim,
    interpolation: 'linear',
    decode,
    samplePrior: (n, rng) => Float32Array.from(rng.normals(n * dim), (v) => 0.5 + 0.1 * v),
  };
  const likelihoodSamples: number[] = [];
  return {
    bundle: {} as Bundle,
    likelihoodSamples,
    sample: async (n, rng) => decode(space.samplePrior(n, rng)),
    latents: space,
    inversion: {
      kind: 'encoder',
      describes: 'the pseudo-inverse',
      encode: async (images) =>
        Float32Array.from({ length: images.n * dim }, (_, k) => {
          const i = Math.floor(k / dim);
          const j = k % dim;
          return (images.data[i * 4 + j]! + images.data[i * 4 + j + 2]!) / 2;
        }),
    },
    likelihood: {
      kind: 'bound',
      draws: 'importance',
      logLikelihood: async (images, options) => {
        likelihoodSamples.push(options.samples);
        return [
          {
            estimator: 'elbo',
            kind: 'bound',
            samples: options.samples,
            dataSpace: '8-bit',
            logLikelihoods: new Float64Array(images.n).fill(-2),
            secondsPerImage: 0,
            label: 'a stated bound',
          },
        ];
      },
    },
  } as GenerativeModel & { likelihoodSamples: number[] };
}

test('a model made of capabilities alone, no adapter class, gets density and invertibility rows', async () => {
  const model = capabilitiesOnly();
  // Images the linear decoder makes exactly: (a, b, a, b).
  const images = imageBatch(4, 2, 2, 1, Float32Array.from([0, 1, 0, 1, 1, 0, 1, 0, 0.2, 0.6, 0.2, 0.6, 1, 1, 1, 1]));
  const density = await evaluateDensity('plain', model, {
    test: images,
    source: 'test',
    config: { iwaeSamples: 7, dequantizationSamples: 3, parzen: false },
    rng: new Rng(1),
    batchSize: 4,
  });
  assert.deepEqual(model.likelihoodSamples, [7], 'importance draws take the run’s IWAE K');
  const [row0] = densityRows('plain', density, 4);
  assert.equal(row0!.kind, 'bound');
  assert.equal(row0!.natsPerImage!.value, 2);
  const { row, grids } = await evaluateInvertibility('plain', model, {
    images,
    source: 'test',
    config: { restarts: 1, steps: 1, learningRate: 0.1 },
    rng: new Rng(2),
    batchSize: 4,
  });
  assert.equal(row.method, 'reconstruction');
  assert.equal(row.label, 'decoded image at the pseudo-inverse: an approximate inverse');
  assert.ok(row.mse!.value < 1e-12, `the pseudo-inverse reconstructs its own range exactly, MSE ${row.mse!.value}`);
  assert.deepEqual(
    grids.map((g) => g.kind),
    ['pairs', 'interpolation'],
  );
  assert.equal(truncatable(model), null, 'no truncate capability, no sweep');
});

test('without any inverse or completion the row says there is none, in the model’s words when it gives them', async () => {
  const model = {
    ...capabilitiesOnly(),
    inversion: undefined,
    noInversion: 'this model keeps no encoder',
  } as GenerativeModel;
  const { row } = await evaluateInvertibility('plain', model, {
    images: imageBatch(2, 2, 2, 1),
    source: 'test',
    config: { restarts: 1, steps: 1, learningRate: 0.1 },
    rng: new Rng(2),
    batchSize: 2,
  });
  assert.deepEqual([row.method, row.reason], ['none', 'this model keeps no encoder']);
});
