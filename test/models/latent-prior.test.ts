import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { GaussianMixturePrior, StandardNormalPrior } from '../../src/models/latent-prior.ts';
import { validateManifest } from '../../src/models/manifest.ts';
import { writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');

test("a mixture prior's log-density matches the closed form, and one component at N(0, I) equals the standard normal", () => {
  // 2-d, two components: log Σ_c w_c Π_j N(z_j; μ_cj, σ²_cj).
  const prior = new GaussianMixturePrior(
    2,
    [0.25, 0.75],
    [1, -2, 0, 0.5],
    [Math.log(0.5), 0, Math.log(2), Math.log(0.1)],
  );
  const normal = (x: number, m: number, v: number) => Math.exp((-0.5 * (x - m) ** 2) / v) / Math.sqrt(2 * Math.PI * v);
  for (const [a, b] of [
    [0, 0],
    [1, -2],
    [-3, 4],
    [0.3, 0.5],
  ]) {
    const expected = Math.log(
      0.25 * normal(a!, 1, 0.5) * normal(b!, -2, 1) + 0.75 * normal(a!, 0, 2) * normal(b!, 0.5, 0.1),
    );
    assert.ok(Math.abs(prior.logDensity([a!, b!], 0) - expected) < 1e-12, `at (${a}, ${b})`);
  }
  // Far from every component the log-sum-exp keeps it finite (the plain sum underflows to log 0).
  assert.ok(Number.isFinite(prior.logDensity([400, -400], 0)));
  const one = new GaussianMixturePrior(3, [1], [0, 0, 0], [0, 0, 0]);
  const standard = new StandardNormalPrior(3);
  const z = [0.2, -1.3, 2.2, 9, 9, 9];
  assert.ok(Math.abs(one.logDensity(z, 3) - standard.logDensity(z, 3)) < 1e-12);
});

test("mixture samples have the mixture's mean and variance, and a seed fixes them", () => {
  const prior = new GaussianMixturePrior(1, [0.3, 0.7], [-2, 1], [Math.log(0.25), 0]);
  const n = 40000;
  const z = prior.sample(n, new Rng(7));
  assert.deepEqual(z, prior.sample(n, new Rng(7)));
  const mean = z.reduce((a, b) => a + b, 0) / n;
  const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  // E z = 0.3·(−2) + 0.7·1 = 0.1; E z² = 0.3·(4 + 0.25) + 0.7·(1 + 1) = 2.675; Var = 2.665.
  assert.ok(Math.abs(mean - 0.1) < 4 * Math.sqrt(2.665 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 2.665) < 0.06, `variance ${variance}`);
  const left = z.filter((v) => v < -0.5).length / n; // almost exactly the first component's share
  assert.ok(Math.abs(left - (0.3 * 0.99865 + 0.7 * 0.06681)) < 0.01, `share below −0.5: ${left}`);
});

test("a VAE bundle's prior file is checked: each problem names the file and the field", async () => {
  const dir = await writeTinyVae({
    qMean: 0,
    qLogVar: 0,
    mixture: { weights: [0.5, 0.4], means: [[0], [1, 2]], logVariances: [[0]] },
  });
  await assert.rejects(loadBundle(dir), (e: Error) => {
    const file = join(dir, 'prior.json');
    assert.match(e.message, new RegExp(`^${file}: weights: must sum to 1 \\(they sum to 0\\.9\\)$`, 'm'));
    assert.match(e.message, new RegExp(`^${file}: means\\.1: must have 1 values \\(latent\\.dim\\), not 2$`, 'm'));
    assert.match(e.message, new RegExp(`^${file}: logVariances: must have one row per weight \\(2\\), not 1$`, 'm'));
    return true;
  });
  writeFileSync(join(dir, 'prior.json'), '{"weights": [1], "means": [[0]], "logVariances": [["x"]]}');
  await assert.rejects(loadBundle(dir), /prior\.json: logVariances\.0\.0: /);
  writeFileSync(join(dir, 'prior.json'), '{"weights": [1], "means": [[0]], "logVariances": [[0]]}');
  const bundle = await loadBundle(dir);
  assert.equal(bundle.prior?.description, 'a mixture of 1 diagonal Gaussian');
  const hash = bundle.hash;
  disposeBundle(bundle);
  // The prior is part of the model: changing it changes the bundle's hash.
  writeFileSync(join(dir, 'prior.json'), '{"weights": [1], "means": [[0.5]], "logVariances": [[0]]}');
  const changed = await loadBundle(dir);
  assert.notEqual(changed.hash, hash);
  disposeBundle(changed);
});

test('the manifest says where a mixture prior may be declared and that it needs its file', () => {
  const base = {
    format: 'genreport-model/1',
    name: 'm',
    image: { height: 4, width: 4, channels: 1, range: [0, 1] },
  };
  const vae = {
    ...base,
    family: 'vae',
    likelihood: { kind: 'bound', dataSpace: 'uint8-4x4x1', form: 'discretized-logistic' },
    components: { encoder: 'e/model.json', decoder: 'd/model.json' },
  };
  const gan = { ...base, family: 'gan', components: { generator: 'g/model.json' } };
  assert.throws(
    () => validateManifest({ ...vae, latent: { dim: 2, distribution: 'gaussian-mixture' } }, 'v.json'),
    /^GenreportError: v\.json: latent\.mixture: a gaussian-mixture prior names its JSON file/,
  );
  assert.throws(
    () => validateManifest({ ...vae, latent: { dim: 2, distribution: 'normal', mixture: 'p.json' } }, 'v.json'),
    /latent\.mixture: only a gaussian-mixture prior has a mixture file/,
  );
  assert.throws(
    () => validateManifest({ ...vae, latent: { dim: 2, distribution: 'uniform' } }, 'v.json'),
    /latent\.distribution: a VAE's prior is "normal"/,
  );
  assert.throws(
    () =>
      validateManifest({ ...gan, latent: { dim: 2, distribution: 'gaussian-mixture', mixture: 'p.json' } }, 'g.json'),
    /g\.json: latent\.distribution: only a VAE or a flow may declare a mixture prior/,
  );
  validateManifest({ ...vae, latent: { dim: 2, distribution: 'gaussian-mixture', mixture: 'p.json' } }, 'v.json');
  // A flow's latent is its base distribution: optional, one value per image value, never uniform.
  const flow = {
    ...base,
    family: 'flow',
    likelihood: { kind: 'bound', dataSpace: 'uint8-4x4x1', dequantization: 'uniform' },
    components: { flow: 'f/model.json' },
  };
  validateManifest(flow, 'f.json');
  validateManifest({ ...flow, latent: { dim: 16, distribution: 'gaussian-mixture', mixture: 'p.json' } }, 'f.json');
  assert.throws(
    () =>
      validateManifest({ ...flow, latent: { dim: 8, distribution: 'gaussian-mixture', mixture: 'p.json' } }, 'f.json'),
    /^GenreportError: f\.json: latent\.dim: a flow's latent has one value per image value: 16 \(height x width x channels\), not 8$/,
  );
  assert.throws(
    () => validateManifest({ ...flow, latent: { dim: 16, distribution: 'uniform' } }, 'f.json'),
    /f\.json: latent\.distribution: a flow's base distribution is "normal"/,
  );
});

test('a prior file outside the bundle folder, or missing, is refused with the field named', async () => {
  const dir = await writeTinyVae({
    qMean: 0,
    qLogVar: 0,
    mixture: { weights: [1], means: [[0]], logVariances: [[0]] },
  });
  const manifestFile = join(dir, 'genmodel.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  writeFileSync(
    manifestFile,
    JSON.stringify({ ...manifest, latent: { ...manifest.latent, mixture: '../elsewhere.json' } }),
  );
  await assert.rejects(
    loadBundle(dir),
    /genmodel\.json: latent\.mixture: leads out of the bundle folder \(\.\.\/elsewhere\.json\)/,
  );
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, latent: { ...manifest.latent, mixture: 'absent.json' } }));
  await assert.rejects(
    loadBundle(dir),
    /genmodel\.json: latent\.mixture: absent\.json is not in the bundle \(latent prior file not found\)/,
  );
});
