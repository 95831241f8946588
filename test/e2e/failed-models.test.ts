/**
 * A run with broken models among good ones: each broken model is listed as
 * failed with a message naming its file and field, and the good model's
 * results (metrics, density, invertibility) all still appear. Broken here: NaN
 * output, a missing component, a latent.dim its generator does not take
 * (which crashed the whole run once), images of another shape than the data's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { initBackend } from '../../src/core/backend.ts';
import { runSmall, smallRunConfig } from '../helpers/small-run.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-failed-models-'));

test('a NaN generator, a bundle missing its decoder, a wrong latent.dim and 8x8 images fail alone; the good model is reported in full', async () => {
  const nanGan = await writeTinyGan({ name: 'nan-gan', nan: true, side: 28, manifestSide: 28 });
  const wrongLatent = await writeTinyGan({
    name: 'wrong-latent',
    side: 28,
    manifestSide: 28,
    latentDim: 4,
    manifestLatentDim: 5,
  });
  const smallImages = await writeTinyGan({ name: 'small-images' });
  // A VAE manifest whose decoder was left out: the manifest check names the component.
  const noDecoder = join(work, 'vae-no-decoder');
  cpSync(join(root, 'samples/mnist/vae-conv'), noDecoder, { recursive: true });
  const manifestFile = join(noDecoder, 'genmodel.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  delete manifest.components.decoder;
  writeFileSync(manifestFile, JSON.stringify(manifest));

  const { run, data } = runSmall(
    work,
    smallRunConfig([nanGan, join(root, 'samples/mnist/gan-dcgan'), noDecoder, wrongLatent, smallImages]),
  );
  const out = join(work, 'report');

  assert.deepEqual(
    data.models.map((m) => [m.name, m.status]),
    [
      [data.models[0]!.name, 'failed'],
      ['dcgan', 'ok'],
      ['vae-no-decoder', 'failed'],
      [data.models[3]!.name, 'failed'],
      [data.models[4]!.name, 'failed'],
    ],
  );
  assert.match(data.models[0]!.error ?? '', /genmodel\.json: components\.generator: produced a non-finite value/);
  assert.match(
    data.models[2]!.error ?? '',
    /vae-no-decoder\/genmodel\.json: components\.decoder: a vae bundle needs this component/,
  );
  assert.match(run.stderr, /components\.generator: produced a non-finite value/);
  assert.equal(
    data.models[3]!.error,
    `${join(wrongLatent, 'genmodel.json')}: latent.dim: is 5, but components.generator takes [n, 4] (the manifest needs [n, 5])`,
  );
  const small = join(smallImages, 'genmodel.json');
  assert.equal(
    data.models[4]!.error,
    [
      `${small}: image.height: is 8, but the real images (mnist:test) are 28x28x1: a model is compared only with real images of its own shape`,
      `${small}: image.width: is 8, but the real images (mnist:test) are 28x28x1: a model is compared only with real images of its own shape`,
    ].join('\n'),
  );

  // The good model: metrics, density row, invertibility row, truncation sweep, samples grid.
  assert.equal(data.results.dcgan!.fid!.kind, 'value');
  assert.deepEqual(
    data.density!.rows.map((r) => r.model),
    ['dcgan'],
  );
  assert.deepEqual(
    data.invertibility!.rows.map((r) => r.model),
    ['dcgan'],
  );
  assert.deepEqual(
    data.truncation!.map((t) => t.model),
    ['dcgan'],
  );
  assert.ok(data.images.some((i) => i.id === 'samples-dcgan'));
  // The failed models leave nothing half-measured behind.
  assert.ok(!data.images.some((i) => i.model && i.model !== 'dcgan'));
  assert.ok(readFileSync(join(out, 'report.html'), 'utf8').includes('non-finite value'));
});
