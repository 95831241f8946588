/**
 * GANs exported from PyTorch to ONNX (scripts/reference/make-model-fixtures.py):
 * genreport's images for PyTorch's latents match PyTorch's images to 1e-5
 * relative, for z [n, dim] and DCGAN's z [n, dim, 1, 1], NCHW and NHWC; and
 * `genreport sample` gives the images of its own latents, which are
 * PyTorch's images for them (scripts/reference/make-sample-reference.py). Broken files fail
 * with the file and field named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { readNpz } from '../../src/data/npz.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { loadModel } from '../../src/models/load-model.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures/models-onnx');

/**
 * Largest |a − b| / max(|b|, 0.01): relative, with pixels darker than 1% of
 * the range measured against 0.01 (float32 rounding near 0 is ~1e-8 absolute,
 * which no relative bound on a value of 1e-4 can hold).
 */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 0.01));
  return worst;
}

function maxAbsolute(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

for (const name of ['gan-dense', 'gan-dcgan', 'gan-nhwc', 'gan-mnist-size']) {
  test(`${name}: PyTorch's images for PyTorch's latents, through the ONNX generator`, async () => {
    const { latents, images } = readNpz(join(fixtures, name, 'reference.npz'));
    const { bundle, model } = await loadModel(join(fixtures, name));
    try {
      assert.equal(bundle.runnable.generator?.runtime, 'onnx');
      const made = await model.latents!.decode(latents!.data as Float32Array, 4);
      assert.deepEqual([made.n, made.height, made.width, made.channels], images!.shape);
      const error = maxRelative(made.data, images!.data);
      console.log(
        `${name}: vs PyTorch, max relative error ${error.toExponential(2)}, max absolute ${maxAbsolute(made.data, images!.data).toExponential(2)}`,
      );
      assert.ok(error <= 1e-5, `max relative error ${error}`);
    } finally {
      disposeBundle(bundle);
    }
  });
}

test('genreport sample of an ONNX GAN: the images are the generator of the latents it wrote', async () => {
  const work = mkdtempSync(join(tmpdir(), 'genreport-onnx-sample-'));
  const out = join(work, 'dcgan.npz');
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'bin/genreport.js'),
      'sample',
      join(fixtures, 'gan-dcgan'),
      '--n',
      '5',
      '--seed',
      '3',
      '--out',
      out,
      '--backend',
      'wasm',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const { images, latents } = readNpz(out);
  assert.deepEqual(images!.shape, [5, 8, 8, 3]);
  const { bundle, model } = await loadModel(join(fixtures, 'gan-dcgan'));
  try {
    const again = await model.latents!.decode(latents!.data as Float32Array, 2);
    assert.deepEqual(Array.from(again.data), Array.from(images!.data));
    // And a run's own sampling, batch size aside.
    const drawn = await model.sample(5, new Rng(3).fork('samples'), 2);
    assert.deepEqual(Array.from(drawn.data), Array.from(images!.data));
  } finally {
    disposeBundle(bundle);
  }
});

test('genreport sample of an ONNX GAN gives PyTorch’s images for the latents it draws, to 1e-5 relative', () => {
  // make-sample-reference.py ran `genreport sample` and PyTorch's generator (weights from the ONNX initializers) on its latents.
  const reference = readNpz(join(fixtures, 'gan-dcgan', 'sample-reference.npz'));
  const [seed, n] = [reference.seed!.data[0], reference.n!.data[0]];
  const out = join(mkdtempSync(join(tmpdir(), 'genreport-onnx-sample-')), 'drawn.npz');
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'bin/genreport.js'),
      'sample',
      join(fixtures, 'gan-dcgan'),
      '--n',
      String(n),
      '--seed',
      String(seed),
      '--out',
      out,
      '--backend',
      'wasm',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const { images, latents } = readNpz(out);
  assert.deepEqual(
    Array.from(latents!.data),
    Array.from(reference.latents!.data),
    'the same seed draws the same latents',
  );
  assert.deepEqual(images!.shape, reference.images!.shape);
  const error = maxRelative(images!.data, reference.images!.data);
  console.log(`genreport sample vs PyTorch: max relative error ${error.toExponential(2)}`);
  assert.ok(error <= 1e-5, `max relative error ${error}`);
});

const bad = (name: string) => join(fixtures, 'bad', name);

test('an .onnx that is not a model fails naming the file', async () => {
  await assert.rejects(
    loadModel(bad('not-a-model')),
    /not-a-model\/generator\.onnx: is not a model onnxruntime can load/,
  );
});

test('a missing output name fails naming the file and io field', async () => {
  await assert.rejects(
    loadModel(bad('missing-output')),
    /genmodel\.json: io\.generator\.outputs: .*generator\.onnx has no output named "samples" \(it has "images"\)/,
  );
});

test('wrong latent size, wrong image size and NaN fail at sampling, naming the file and component', async () => {
  const expectations: [string, RegExp][] = [
    [
      'wrong-latent',
      /genmodel\.json: components\.generator: .*input "z" takes \[n, 5\], but genreport feeds it \[n, 4\]/,
    ],
    [
      'wrong-size',
      /genmodel\.json: components\.generator: generator produced shape \[2, 6, 6, 1\], but the manifest declares images of \[n, 8, 8, 1\]/,
    ],
    ['nan-gan', /genmodel\.json: components\.generator: produced a non-finite value/],
  ];
  for (const [name, message] of expectations) {
    const { bundle, model } = await loadModel(bad(name));
    try {
      await assert.rejects(model.sample(2, new Rng(1), 2), message, name);
    } finally {
      disposeBundle(bundle);
    }
  }
});
