import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageBatch } from '../../src/core/types.ts';
import { writeImageFolder } from '../../src/data/image-folder.ts';
import { writeNpy, type NdArray } from '../../src/data/npy.ts';
import { writeNpz } from '../../src/data/npz.ts';
import { resolveImageSource } from '../../src/data/source.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-source-'));
const fixtures = new URL('../fixtures/data/', import.meta.url).pathname;

test('mnist:test resolves to MNIST with labels, honouring limit', async () => {
  const { images, labels, source } = await resolveImageSource('mnist:test', { limit: 5 });
  assert.deepEqual([images.n, images.height, images.width, images.channels], [5, 28, 28, 1]);
  assert.equal(labels?.[0], 7);
  assert.match(source, /t10k-images/);
});

test('an image folder resolves to its images, without labels', async () => {
  const folder = join(dir, 'folder');
  await writeImageFolder(folder, imageBatch(2, 3, 3, 3, new Float32Array(54).fill(1)));
  const resolved = await resolveImageSource(folder, { channels: 1 });
  assert.equal(resolved.images.n, 2);
  assert.equal(resolved.images.channels, 1);
  assert.equal(resolved.labels, undefined);
  assert.equal(resolved.source, folder);
});

test('uint8 (N,H,W) arrays are scaled by 1/255; float (N,H,W,C) arrays pass through', async () => {
  const { images, labels } = await resolveImageSource(join(fixtures, 'numpy-images.npz'));
  assert.deepEqual([images.n, images.height, images.width, images.channels], [2, 3, 4, 1]);
  assert.equal(images.data[1], Math.fround(10 / 255));
  assert.deepEqual(Array.from(labels ?? []), [7, 1]);

  const file = join(dir, 'rgb.npy');
  const values = Float32Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i / 23);
  writeNpy(file, { dtype: 'float32', shape: [2, 2, 2, 3], data: values });
  const rgb = await resolveImageSource(file, { limit: 1 });
  assert.deepEqual([rgb.images.n, rgb.images.channels], [1, 3]);
  assert.deepEqual(rgb.images.data, values.slice(0, 12));
});

test('bad specs and bad arrays fail with a message naming the source', async () => {
  await assert.rejects(
    resolveImageSource('mnist:validation'),
    /^GenreportError: mnist:validation: unknown data source/,
  );
  await assert.rejects(resolveImageSource(join(dir, 'nowhere')), /nowhere: unknown data source/);

  const outOfRange = join(dir, 'tanh.npy');
  writeNpy(outOfRange, { dtype: 'float32', shape: [1, 1, 2], data: Float32Array.from([-1, 1]) });
  await assert.rejects(resolveImageSource(outOfRange), /tanh\.npy: float images must lie in \[0, 1\]; value -1/);

  const flat = join(dir, 'flat.npy');
  writeNpy(flat, { dtype: 'uint8', shape: [4, 16], data: new Uint8Array(64) });
  await assert.rejects(resolveImageSource(flat), /flat\.npy: images must have shape \(N, H, W\)/);

  const ambiguous = join(dir, 'two.npz');
  const array: NdArray = { dtype: 'uint8', shape: [1, 1, 1], data: new Uint8Array(1) };
  writeNpz(ambiguous, { a: array, b: array });
  await assert.rejects(
    resolveImageSource(ambiguous),
    /two\.npz: cannot tell which array holds the images \(found a, b\)/,
  );
});

test('a uint8 .npz of RGB images reads the same laid out NHWC or NCHW (as PyTorch saves it), with its labels and a limit', async () => {
  // Three 2×4 RGB images whose every byte differs, so a transposed axis would show.
  const [n, h, w, c] = [3, 2, 4, 3];
  const nhwc = Uint8Array.from({ length: n * h * w * c }, (_, i) => (i * 7) % 256);
  const nchw = new Uint8Array(nhwc.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          nchw[((i * c + k) * h + y) * w + x] = nhwc[((i * h + y) * w + x) * c + k]!;
        }
  const labels: NdArray = { dtype: 'uint8', shape: [n], data: Uint8Array.of(3, 8, 0) };
  const hwcFile = join(dir, 'hwc.npz');
  const chwFile = join(dir, 'chw.npz');
  writeNpz(hwcFile, { images: { dtype: 'uint8', shape: [n, h, w, c], data: nhwc }, labels });
  writeNpz(chwFile, { images: { dtype: 'uint8', shape: [n, c, h, w], data: nchw }, labels });
  const a = await resolveImageSource(hwcFile);
  const b = await resolveImageSource(chwFile, { limit: 2 });
  assert.deepEqual([b.images.n, b.images.height, b.images.width, b.images.channels], [2, h, w, c]);
  assert.deepEqual(
    Array.from(a.images.data, (v) => Math.round(v * 255)),
    Array.from(nhwc),
  );
  assert.deepEqual(Array.from(b.images.data), Array.from(a.images.data.subarray(0, 2 * h * w * c)));
  assert.deepEqual(Array.from(b.labels ?? []), [3, 8]);
});

test("as real data, torchvision's ImageFolder layout gives labels and the class names (the subfolders')", async () => {
  const classRoot = join(dir, 'imagefolder');
  // Colour images whose red level is the class index, so each label can be checked against its pixels.
  for (const [label, name] of ['airplane', 'automobile', 'bird'].entries()) {
    const data = new Float32Array(2 * 4 * 4 * 3);
    for (let i = 0; i < data.length; i += 3) data[i] = (label * 40) / 255;
    await writeImageFolder(join(classRoot, name), imageBatch(2, 4, 4, 3, data));
  }
  const { images, labels, classes, source } = await resolveImageSource(classRoot);
  assert.deepEqual(classes, ['airplane', 'automobile', 'bird']);
  assert.deepEqual(Array.from(labels ?? []), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual([images.n, images.channels], [6, 3]);
  assert.deepEqual(
    Array.from({ length: 6 }, (_, i) => Math.round(images.data[i * 48]! * 255)),
    [0, 0, 40, 40, 80, 80],
  );
  assert.equal(source, classRoot);
});
