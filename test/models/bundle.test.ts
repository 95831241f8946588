import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadBundle, disposeBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { validateManifest } from '../../src/models/manifest.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';

await initBackend('wasm');

test('a manifest with several problems reports all of them, each naming file and field', () => {
  const raw = {
    format: 'genreport-model/1',
    name: 'bad name',
    family: 'gan',
    image: { height: 28, width: 28, channels: 2, range: [1, -1] },
    components: {},
  };
  assert.throws(
    () => validateManifest(raw, 'm/genmodel.json'),
    (e: unknown) => {
      assert.ok(e instanceof GenreportError);
      assert.equal(e.exitCode, 2);
      assert.deepEqual(
        e.problems.map((p) => p.field),
        ['name', 'image.channels', 'image.range', 'components.generator', 'latent'],
      );
      assert.ok(e.problems.every((p) => p.file === 'm/genmodel.json'));
      assert.match(e.message, /^m\/genmodel\.json: image\.channels: must be 1 \(greyscale\) or 3 \(RGB\)$/m);
      return true;
    },
  );
});

test('a context (how far a conditional reaches) is refused on anything but an autoregressive bundle', () => {
  const raw = {
    format: 'genreport-model/1',
    name: 'g',
    family: 'gan',
    image: { height: 28, width: 28, channels: 1, range: [0, 1] },
    latent: { dim: 8, distribution: 'normal' },
    context: { rowsAbove: 2, columnsLeft: 2, columnsRight: 2 },
    components: { generator: 'g/model.json' },
  };
  assert.throws(
    () => validateManifest(raw, 'g/genmodel.json'),
    /^GenreportError: g\/genmodel\.json: context: only autoregressive bundles declare a context/,
  );
});

test('an autoregressive bundle is one model or an above + row pair, declared completely and not both', () => {
  const manifest = (components: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    format: 'genreport-model/1',
    name: 'ar',
    family: 'autoregressive',
    image: { height: 28, width: 28, channels: 1, range: [0, 1] },
    likelihood: { kind: 'exact', dataSpace: 'uint8-28x28x1', form: 'categorical-256' },
    components,
    ...extra,
  });
  const problems = (raw: unknown) => {
    try {
      validateManifest(raw, 'ar/genmodel.json');
      return [];
    } catch (e) {
      assert.ok(e instanceof GenreportError);
      return e.problems.map((p) => `${p.field}: ${p.message}`);
    }
  };
  assert.deepEqual(problems(manifest({ model: 'm.json' })), []);
  assert.deepEqual(problems(manifest({ above: 'a.json', row: 'r.json' })), []);
  assert.deepEqual(problems(manifest({})), [
    'components: an autoregressive bundle needs components.model, or components.above and components.row',
  ]);
  assert.deepEqual(problems(manifest({ above: 'a.json' })), [
    'components.row: an autoregressive bundle needs this component',
  ]);
  assert.deepEqual(problems(manifest({ model: 'm.json', row: 'r.json' })), [
    'components: an autoregressive bundle declares components.model or components.above and components.row, not both',
  ]);
  assert.deepEqual(
    problems(
      manifest({ above: 'a.json', row: 'r.json' }, { context: { rowsAbove: 1, columnsLeft: 1, columnsRight: 1 } }),
    ),
    ['context: a context says where components.model may be cropped; an above/row bundle has no such model'],
  );
});

test('an unknown manifest version is refused', () => {
  assert.throws(() => validateManifest({ format: 'genreport-model/9' }, 'x.json'), /x\.json: format:/);
});

test('a GAN bundle loads from local files, hashes its files and samples deterministically in [0, 1]', async () => {
  const dir = await writeTinyGan();
  const bundle = await loadBundle(dir);
  try {
    assert.equal(bundle.manifest.family, 'gan');
    assert.equal(bundle.parameters, 4 * 64 + 64);
    assert.match(bundle.hash, /^[0-9a-f]{64}$/);
    const model = modelForBundle(bundle);
    const a = await model.sample(10, new Rng(3), 4);
    const b = await model.sample(10, new Rng(3), 10);
    assert.deepEqual([a.n, a.height, a.width, a.channels], [10, 8, 8, 1]);
    assert.ok(a.data.every((v) => v >= 0 && v <= 1));
    // Batch size does not change the samples: the latent stream is the same.
    for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i]! - b.data[i]!) < 1e-6);
  } finally {
    disposeBundle(bundle);
  }
});

test('a generator that outputs NaN stops the model with a message naming the bundle and component', async () => {
  const bundle = await loadBundle(await writeTinyGan({ nan: true }));
  try {
    await assert.rejects(
      modelForBundle(bundle).sample(2, new Rng(1), 2),
      /genmodel\.json: components\.generator: produced a non-finite value/,
    );
  } finally {
    disposeBundle(bundle);
  }
});

test('a generator whose output shape disagrees with the manifest is refused when the model is built', async () => {
  const bundle = await loadBundle(await writeTinyGan({ side: 6 }));
  try {
    // Before sampling: the generator declares its output shape.
    assert.throws(
      () => modelForBundle(bundle),
      /genmodel\.json: image\.height: is 8, but components\.generator makes \[n, 6, 6, 1\] \(the manifest needs \[n, 8, 8, 1\]\)\n.*image\.width: is 8/,
    );
  } finally {
    disposeBundle(bundle);
  }
});

test('a corrupt model.json and a missing weight shard are named', async () => {
  const dir = await writeTinyGan();
  const modelJson = join(dir, 'generator', 'model.json');
  const original = readFileSync(modelJson, 'utf8');
  writeFileSync(modelJson, '{ not json');
  await assert.rejects(loadBundle(dir), (e: Error) => e.message.startsWith(`${modelJson}: is not valid JSON`));
  writeFileSync(modelJson, original.replace('weights.bin', 'missing.bin'));
  await assert.rejects(
    loadBundle(dir),
    /model\.json: weightsManifest\[0\]\.paths\[0\]: weight shard missing\.bin not found in the bundle/,
  );
});

test('a missing bundle folder says what a bundle is', async () => {
  await assert.rejects(loadBundle('/nonexistent/bundle'), /genmodel\.json: model bundle manifest not found/);
});
