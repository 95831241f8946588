/**
 * Samples-only models: folders searched recursively, arrays in NHWC or NCHW,
 * uint8 or float, `arr_0` as the ADM evaluator writes; cut to n in a seeded
 * order; too few, mixed sizes and corrupt files are bad input naming the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch } from '../../src/core/types.ts';
import { writeImageFolder } from '../../src/data/image-folder.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { writeNpz } from '../../src/data/npz.ts';
import { loadModel } from '../../src/models/load-model.ts';
import { imagesFromArray, isSamplesOnlyPath, SamplesOnlyModel } from '../../src/models/samples-only.ts';

const work = mkdtempSync(join(tmpdir(), 'genreport-samples-only-'));

/** n images of h×w×c whose values say where they are: image i, pixel p, channel k -> (i*100 + p*c + k) mod 256. */
function patterned(n: number, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(n * h * w * c);
  for (let i = 0; i < out.length; i++) out[i] = (Math.floor(i / (h * w * c)) * 100 + (i % (h * w * c))) % 256;
  return out;
}

test('NCHW is told from NHWC by dimension 1; both give the same NHWC images', () => {
  const [n, h, w, c] = [2, 4, 5, 3];
  const nhwc = patterned(n, h, w, c);
  const nchw = new Uint8Array(nhwc.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          nchw[((i * c + k) * h + y) * w + x] = nhwc[((i * h + y) * w + x) * c + k]!;
        }
  const a = imagesFromArray({ dtype: 'uint8', shape: [n, h, w, c], data: nhwc }, 'a.npy');
  const b = imagesFromArray({ dtype: 'uint8', shape: [n, c, h, w], data: nchw }, 'b.npy');
  assert.deepEqual([b.n, b.height, b.width, b.channels], [n, h, w, c]);
  assert.deepEqual(b.data, a.data);
  assert.equal(a.data[7], Math.fround(nhwc[7]! / 255));
  // (N, 3, 8, 3): the last dimension is a channel count too, so NHWC wins.
  const ambiguous = imagesFromArray({ dtype: 'uint8', shape: [1, 3, 8, 3], data: new Uint8Array(72) }, 'c.npy');
  assert.deepEqual([ambiguous.height, ambiguous.width, ambiguous.channels], [3, 8, 3]);
});

test('float arrays must lie in [0, 1], and the file is named', () => {
  assert.throws(
    () => imagesFromArray({ dtype: 'float32', shape: [1, 2, 2], data: Float32Array.of(0, 0.5, 1, -1) }, 'f.npy'),
    /f\.npy: float images must lie in \[0, 1\]; value -1/,
  );
});

test('an npz of arr_0 (as the ADM evaluator writes) in NCHW float is read; n are chosen in a seeded order', async () => {
  const file = join(work, 'adm.npz');
  const data = new Float32Array(10 * 1 * 4 * 4);
  for (let i = 0; i < 10; i++) data.fill(i / 10, i * 16, (i + 1) * 16);
  writeNpz(file, { arr_0: { dtype: 'float32', shape: [10, 1, 4, 4], data } });
  assert.ok(isSamplesOnlyPath(file));
  const { model, bundle } = await loadModel({ path: file, name: 'adm', family: 'gan' });
  assert.equal(bundle.manifest.name, 'adm');
  assert.deepEqual(model.samplesOnly?.family, 'gan');
  const a = await model.sample(4, new Rng(3).fork('samples'), 100);
  const b = await model.sample(4, new Rng(3).fork('samples'), 100);
  const c = await model.sample(4, new Rng(4).fork('samples'), 100);
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
  const firsts = Array.from({ length: 4 }, (_, i) => Math.round(a.data[i * 16]! * 10));
  assert.equal(new Set(firsts).size, 4, 'four distinct stored images');
  await assert.rejects(
    model.sample(11, new Rng(1), 100),
    /adm\.npz: holds 10 images, but the run asks for 11 samples per model/,
  );
});

test('a folder is searched recursively; mixed sizes and corrupt images are bad input naming the file', async () => {
  const dir = join(work, 'folder');
  await writeImageFolder(
    join(dir, 'a'),
    imageBatch(
      3,
      6,
      6,
      1,
      Float32Array.from(patterned(3, 6, 6, 1), (v) => v / 255),
    ),
  );
  await writeImageFolder(join(dir, 'b', 'deeper'), imageBatch(2, 6, 6, 1));
  assert.ok(isSamplesOnlyPath(dir));
  const model = SamplesOnlyModel.load(dir);
  assert.equal(model.available, 5);
  const images = await model.sample(5, new Rng(1), 10);
  assert.deepEqual([images.n, images.height, images.width, images.channels], [5, 6, 6, 1]);

  const mixed = join(work, 'mixed');
  await writeImageFolder(mixed, imageBatch(1, 6, 6, 1));
  await sharp({ create: { width: 7, height: 6, channels: 3, background: '#808080' } })
    .toColourspace('b-w')
    .png()
    .toFile(join(mixed, 'z.png'));
  await assert.rejects(
    SamplesOnlyModel.load(mixed).sample(2, new Rng(1), 10),
    /z\.png: image is 7×6 but the folder's first image is 6×6/,
  );

  const corrupt = join(work, 'corrupt');
  mkdirSync(corrupt);
  await writeImageFolder(corrupt, imageBatch(1, 6, 6, 1));
  writeFileSync(join(corrupt, 'broken.png'), 'not a png');
  await assert.rejects(SamplesOnlyModel.load(corrupt).sample(2, new Rng(1), 10), /broken\.png: cannot decode image/);
});

test('an .npy of uint8 NHWC loads; a bundle path is not samples-only; name and family are refused on a bundle', async () => {
  const file = join(work, 'plain.npy');
  writeNpy(file, { dtype: 'uint8', shape: [3, 4, 4, 3], data: patterned(3, 4, 4, 3) });
  const model = SamplesOnlyModel.load(file);
  assert.equal(model.bundle.manifest.name, 'plain');
  assert.equal((await model.sample(3, new Rng(1), 2)).channels, 3);
  const bundle = join(import.meta.dirname, '../../samples/mnist/gan-dcgan');
  assert.equal(isSamplesOnlyPath(bundle), false);
  await assert.rejects(loadModel({ path: bundle, name: 'x' }), /name and family label a samples-only model/);
});
