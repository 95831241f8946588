/**
 * latent.untruncated: the GAN latent coordinates the truncation trick leaves
 * alone. The CIFAR-10 GANs read their class from z₀ (class = floor(10·Φ(z₀))),
 * so truncating z₀ too would move every class toward the middle ones (at
 * ψ = 0.5, airplanes and trucks would need z₀ beyond ±2.56: 0.5% of draws
 * each). Refused on other families and outside the latent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { loadModel } from '../../src/models/load-model.ts';
import { validateManifest } from '../../src/models/manifest.ts';
import { keptSentence } from '../../src/render/charts/truncation.ts';
import { truncatable, truncationFeatures } from '../../src/truncation/sweep.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');

/** The 4-d ONNX GAN fixture with `untruncated` added to its manifest (none: as committed). */
function ganBundle(untruncated?: number[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'untruncated-')), 'gan');
  cpSync(join(root, 'test/fixtures/models-onnx/gan-dense'), dir, { recursive: true });
  const file = join(dir, 'genmodel.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (untruncated) manifest.latent.untruncated = untruncated;
  writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

test('truncation scales every latent coordinate by ψ but those the manifest keeps', async () => {
  for (const [kept, expectKept] of [
    [undefined, []],
    [[0], [0]],
    [
      [1, 3],
      [1, 3],
    ],
  ] as const) {
    const { bundle, model } = await loadModel(ganBundle(kept ? [...kept] : undefined));
    try {
      const z = model.latents!.samplePrior(5, new Rng(3));
      const t = model.truncate!(z, 0.5);
      for (let i = 0; i < z.length; i++) {
        const want = (expectKept as readonly number[]).includes(i % 4) ? z[i]! : Math.fround(0.5 * z[i]!);
        assert.equal(t[i], want, `coordinate ${i % 4} of row ${Math.floor(i / 4)} (kept: ${kept ?? 'none'})`);
      }
    } finally {
      disposeBundle(bundle);
    }
  }
});

test('the sweep carries the kept coordinates to the report, and the caption names them per model', async () => {
  const { bundle, model } = await loadModel(ganBundle([1, 3]));
  try {
    const identity = {
      extract: async (images: { n: number }) => ({ features: { rows: images.n, cols: 0, data: new Float64Array() } }),
    };
    const sweep = await truncationFeatures(truncatable(model)!, identity as never, {
      psi: [0.5],
      samples: 2,
      rng: new Rng(1),
      batchSize: 2,
    });
    assert.deepEqual(sweep.untruncated, [1, 3]);
  } finally {
    disposeBundle(bundle);
  }
  const sweep = (model: string, untruncated?: number[]) => ({
    model,
    samples: 10,
    points: [],
    ...(untruncated ? { untruncated } : {}),
  });
  assert.equal(keptSentence([sweep('a'), sweep('b')]), '', 'no sentence where no bundle keeps a coordinate');
  assert.equal(
    keptSentence([sweep('dcgan', [0]), sweep('plain'), sweep('sngan', [0]), sweep('big', [1, 3])]),
    ' Not scaled, as the bundles ask (latent.untruncated, such as the coordinate a class is read from): latent coordinate 0 for dcgan and sngan; coordinates 1 and 3 for big.',
  );
});

test('the CIFAR-10 GANs keep z₀, the coordinate their class is read from', () => {
  for (const name of ['dcgan', 'dcgan-ema', 'sngan']) {
    const manifest = JSON.parse(readFileSync(join(root, 'samples/cifar10', name, 'genmodel.json'), 'utf8'));
    assert.deepEqual(manifest.latent.untruncated, [0], name);
    assert.match(manifest.description, /floor\(10 Phi\(z_0\)\)/, name);
  }
});

const base = {
  format: 'genreport-model/1',
  name: 'm',
  image: { height: 8, width: 8, channels: 1, range: [-1, 1] },
};

test('untruncated coordinates are refused outside the latent, naming the file and field', () => {
  const raw = {
    ...base,
    family: 'gan',
    latent: { dim: 4, distribution: 'normal', untruncated: [0, 4] },
    components: { generator: 'generator.onnx' },
  };
  assert.throws(
    () => validateManifest(raw, 'g/genmodel.json'),
    /^GenreportError: g\/genmodel\.json: latent\.untruncated: coordinate 4 is outside the latent: latent\.dim is 4, so coordinates run from 0 to 3$/,
  );
});

test('only a GAN declares untruncated coordinates: a VAE is refused, naming the field', () => {
  const raw = {
    ...base,
    family: 'vae',
    latent: { dim: 4, distribution: 'normal', untruncated: [0] },
    likelihood: { kind: 'bound', dataSpace: 'uint8-8x8x1', form: 'discretized-logistic' },
    components: { encoder: 'encoder.onnx', decoder: 'decoder.onnx' },
  };
  assert.throws(
    () => validateManifest(raw, 'v/genmodel.json'),
    /^GenreportError: v\/genmodel\.json: latent\.untruncated: only a GAN's latent is truncated/m,
  );
});
