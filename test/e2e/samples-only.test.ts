/**
 * A run mixing a tfjs bundle with samples-only models (a nested folder of PNGs
 * and an NCHW .npz named `arr_0`): the stored images get every sample-based
 * metric and grid; density and invertibility say "n/a — samples only"; a
 * folder with too few images fails alone, naming the folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { sliceImages } from '../../src/core/types.ts';
import { writeImageFolder } from '../../src/data/image-folder.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { writeNpz } from '../../src/data/npz.ts';
import { runSmall, smallRunConfig } from '../helpers/small-run.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-samples-only-e2e-'));

test('a tfjs GAN bundle, a folder of samples and an npz of samples in one report', async () => {
  // A tfjs bundle at MNIST's size (the tiny test GAN makes 8×8 images, which the neighbour grids cannot set beside 28×28 digits).
  const gan = join(root, 'samples/mnist/gan-dcgan');
  // Training images stand in for a model's samples: 120 in two nested folders.
  const { images } = loadMnist('train', 120);
  const folder = join(work, 'folder-samples');
  await writeImageFolder(join(folder, 'part-a'), sliceImages(images, 0, 60));
  await writeImageFolder(join(folder, 'part-b', 'deeper'), sliceImages(images, 60, 120));
  // NCHW float, as a PyTorch dump is.
  const npz = join(work, 'adm-samples.npz');
  writeNpz(npz, { arr_0: { dtype: 'float32', shape: [120, 1, 28, 28], data: images.data } });
  const few = join(work, 'few');
  await writeImageFolder(few, sliceImages(images, 0, 5));

  const { data } = runSmall(
    work,
    smallRunConfig([gan, `{ path: ${folder}, name: folder-model, family: vae }`, npz, few]),
  );
  const out = join(work, 'report');

  assert.deepEqual(
    data.models.map((m) => [m.name, m.status, m.family]),
    [
      ['dcgan', 'ok', 'gan'],
      ['folder-model', 'ok', 'vae'],
      ['adm-samples', 'ok', 'unknown'],
      ['few', 'failed', 'unknown'],
    ],
  );
  assert.match(data.models[3]!.error ?? '', /few: holds 5 images, but the run asks for 100 samples per model/);
  for (const name of ['folder-model', 'adm-samples']) {
    assert.equal(data.results[name]!.fid!.kind, 'value', name);
    assert.equal(data.results[name]!.precision!.kind, 'value', name);
    assert.ok(
      data.images.some((i) => i.id === `samples-${name}`),
      `${name} has a samples grid`,
    );
    const density = data.density!.rows.find((r) => r.model === name)!;
    assert.equal(density.label, 'n/a — samples only');
    const inverse = data.invertibility!.rows.find((r) => r.model === name)!;
    assert.deepEqual([inverse.method, inverse.label], ['none', 'n/a — samples only']);
    assert.equal(data.models.find((m) => m.name === name)!.samplesPerSecond, undefined, 'no speed for stored images');
  }
  // Training digits are much closer to the test digits than the small DCGAN's samples are.
  const fid = (name: string) => (data.results[name]!.fid as { value: number }).value;
  assert.ok(fid('folder-model') < fid('dcgan'));
  // The same 100 of the same 120 images whichever way they were stored: the same seeded choice.
  assert.ok(
    Math.abs(fid('folder-model') - fid('adm-samples')) < 1e-6 * fid('adm-samples'),
    `${fid('folder-model')} vs ${fid('adm-samples')}`,
  );
  assert.deepEqual(
    data.truncation!.map((t) => t.model),
    ['dcgan'],
  );
  assert.ok(readFileSync(join(out, 'report.html'), 'utf8').includes('n/a — samples only'));
});
