/**
 * A bundle whose manifest and networks disagree (latent.dim, image shape,
 * parameters per pixel) is refused when the model is built, with the manifest
 * field named and exit code 2, instead of crashing inside tfjs later.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { evaluateOrFail, modelFailureReason } from '../../src/pipeline/model-failure.ts';
import { writeTinyAutoregressive, writeTinyRowCached, smoothConditionals } from '../helpers/tiny-autoregressive.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');

function editManifest(dir: string, edit: (m: Record<string, Record<string, unknown>>) => void): void {
  const file = join(dir, 'genmodel.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
}

/** The problems modelForBundle refuses the bundle with, as "field: message" lines. */
async function refusal(dir: string): Promise<string> {
  const bundle = await loadBundle(dir);
  try {
    modelForBundle(bundle);
  } catch (e) {
    assert.ok(e instanceof GenreportError, `expected a GenreportError, got ${(e as Error).stack}`);
    assert.equal(e.exitCode, 2);
    for (const p of e.problems) assert.equal(p.file, join(bundle.dir, 'genmodel.json'));
    return e.problems.map((p) => `${p.field}: ${p.message}`).join('\n');
  } finally {
    disposeBundle(bundle);
  }
  assert.fail('the bundle was accepted');
}

test('a GAN whose latent.dim is not its generator input is refused naming latent.dim', async () => {
  const message = await refusal(await writeTinyGan({ latentDim: 4, manifestLatentDim: 5 }));
  assert.equal(message, 'latent.dim: is 5, but components.generator takes [n, 4] (the manifest needs [n, 5])');
});

test('a VAE whose latent.dim disagrees with its encoder and decoder names both', async () => {
  const dir = await writeTinyVae({ qMean: 0, qLogVar: 0 });
  editManifest(dir, (m) => (m.latent!.dim = 3));
  const message = await refusal(dir);
  assert.match(message, /^latent\.dim: is 3, so 2 × 3 = 6 values, but components\.encoder makes \[n, 2\]/m);
  assert.match(message, /^latent\.dim: is 3, but components\.decoder takes \[n, 1\]/m);
});

test('a VAE decoder with the wrong parameters per pixel names likelihood.form', async () => {
  const message = await refusal(await writeTinyVae({ qMean: 0, qLogVar: 0, parametersPerPixel: 3 }));
  assert.equal(
    message,
    'likelihood.form: 1 channel(s) × 2 parameters per pixel (likelihood.form) is 2, but components.decoder makes [n, 4, 4, 3] (the manifest needs [n, 4, 4, 2])',
  );
});

test('an autoregressive model declared for other images than it takes names image.height and image.width', async () => {
  for (const dir of [
    await writeTinyAutoregressive(smoothConditionals()),
    await writeTinyRowCached(smoothConditionals()),
  ]) {
    editManifest(dir, (m) => {
      m.image = { ...m.image, height: 5, width: 5 };
      m.likelihood!.dataSpace = 'uint8-5x5x1';
    });
    const message = await refusal(dir);
    assert.match(message, /^image\.width: is 5, but components\.(model|above) takes \[n, (4|n), 4, 1\]/m);
  }
});

test("an unexpected error while evaluating one model becomes that model's failure, first line only", async () => {
  const warnings: string[] = [];
  const logger = { ...createLogger({ quiet: true }), warn: (m: string) => warnings.push(m) };
  const result = await evaluateOrFail(async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'shape')\n    at somewhere (x.ts:1:1)");
  }, logger);
  assert.deepEqual(result, {
    failed:
      "internal error while evaluating this model (a genreport bug or a bundle it does not handle; the other models were measured): Cannot read properties of undefined (reading 'shape')",
  });
  assert.deepEqual(warnings, [(result as { failed: string }).failed]);
  // Input errors keep their own message.
  assert.equal(
    modelFailureReason(new GenreportError({ file: 'g/genmodel.json', field: 'latent.dim', message: 'is 5' })),
    'g/genmodel.json: latent.dim: is 5',
  );
});
