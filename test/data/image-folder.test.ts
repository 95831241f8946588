import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { loadImageFolder, loadLabelledImageFolder, writeImageFolder } from '../../src/data/image-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'genreport-images-'));

/** A batch whose every value is a distinct multiple of 1/255, so rounding errors would show. */
function patterned(n: number, height: number, width: number, channels: number): ImageBatch {
  const batch = imageBatch(n, height, width, channels);
  batch.data.forEach((_, i) => (batch.data[i] = ((i * 37) % 256) / 255));
  return batch;
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

for (const channels of [1, 3] as const) {
  test(`${channels}-channel batch survives write then read within 1/255, in order`, async () => {
    const dir = join(root, `round-${channels}`);
    const batch = patterned(3, 5, 4, channels);
    const files = await writeImageFolder(dir, batch);
    assert.deepEqual(
      files.map((f) => basename(f)),
      ['000000.png', '000001.png', '000002.png'],
    );
    assert.equal((await sharp(files[0]).metadata()).channels, channels, 'PNG stored with the batch channel count');
    const back = await loadImageFolder(dir);
    assert.deepEqual([back.n, back.height, back.width, back.channels], [3, 5, 4, channels]);
    assertClose(back.data, batch.data, 1 / 255 + 1e-6);
  });
}

test('requested size and channels convert on load; limit takes the first files', async () => {
  const dir = join(root, 'convert');
  const white = imageBatch(2, 4, 4, 3, new Float32Array(2 * 4 * 4 * 3).fill(1));
  await writeImageFolder(dir, white);
  const grey = await loadImageFolder(dir, { height: 8, width: 6, channels: 1, limit: 1 });
  assert.deepEqual([grey.n, grey.height, grey.width, grey.channels], [1, 8, 6, 1]);
  assert.ok(
    grey.data.every((v) => Math.abs(v - 1) < 1e-6),
    'white stays white through resize and greyscale',
  );

  const greyDir = join(root, 'grey-to-rgb');
  await writeImageFolder(greyDir, imageBatch(1, 2, 2, 1, Float32Array.from([0, 1, 0.2, 0.8])));
  const rgb = await loadImageFolder(greyDir, { channels: 3 });
  assert.equal(rgb.channels, 3);
  assertClose(rgb.data.subarray(0, 3), Float32Array.from([0, 0, 0]), 1e-6);
  assertClose(rgb.data.subarray(3, 6), Float32Array.from([1, 1, 1]), 1e-6);
});

test('files are read in name order and non-images are ignored', async () => {
  const dir = join(root, 'order');
  mkdirSync(dir);
  for (const [name, value] of [
    ['b.png', 200],
    ['a.jpg', 0],
    ['c.PNG', 100],
  ] as const) {
    const pixels = new Uint8Array(4).fill(value);
    const image = sharp(pixels, { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w');
    await (name.endsWith('.jpg') ? image.jpeg({ quality: 100 }) : image.png()).toFile(join(dir, name));
  }
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  const batch = await loadImageFolder(dir);
  assert.equal(batch.n, 3);
  const firstPixels = [0, 1, 2].map((i) => Math.round(batch.data[i * 4]! * 255));
  assert.deepEqual(firstPixels, [0, 200, 100]);
});

test('bad folders and images give errors naming the folder or the file', async () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  await assert.rejects(loadImageFolder(empty), new RegExp(`^GenreportError: ${empty}: image folder holds no`));
  await assert.rejects(loadImageFolder(join(root, 'absent')), /absent: cannot read image folder/);

  const mixed = join(root, 'mixed');
  await writeImageFolder(mixed, patterned(1, 4, 4, 1));
  await sharp({ create: { width: 5, height: 4, channels: 3, background: 'red' } })
    .png()
    .toFile(join(mixed, 'wide.png'));
  await assert.rejects(loadImageFolder(mixed), /wide\.png: image is 5×4 but the folder's first image is 4×4/);
  assert.equal((await loadImageFolder(mixed, { height: 4, width: 4 })).n, 2, 'a target size resolves it');

  const corrupt = join(root, 'corrupt');
  await writeImageFolder(corrupt, patterned(1, 2, 2, 1));
  writeFileSync(join(corrupt, 'zzz.png'), 'definitely not a png');
  await assert.rejects(loadImageFolder(corrupt), /zzz\.png: cannot decode image/);
});

test("torchvision's ImageFolder layout: one subfolder per class gives labels in class-name order", async () => {
  const classRoot = mkdtempSync(join(tmpdir(), 'genreport-classes-'));
  // Each class's images carry the class index as their grey level, so a label can be checked against its pixels.
  const shades = { cat: 3, airplane: 1, dog: 5 } as const;
  for (const [name, shade] of Object.entries(shades)) {
    await writeImageFolder(
      join(classRoot, name),
      imageBatch(name === 'dog' ? 1 : 3, 2, 2, 1, new Float32Array((name === 'dog' ? 1 : 3) * 4).fill(shade / 255)),
    );
  }
  const all = await loadLabelledImageFolder(classRoot);
  assert.deepEqual(all.classes, ['airplane', 'cat', 'dog']);
  assert.deepEqual(Array.from(all.labels ?? []), [0, 0, 0, 1, 1, 1, 2]);
  const shadeOf = (i: number) => Math.round(all.images.data[i * 4]! * 255);
  assert.deepEqual([0, 3, 6].map(shadeOf), [1, 3, 5]);

  // A limit takes the classes in turn, so a small count still covers every class.
  const few = await loadLabelledImageFolder(classRoot, { limit: 5 });
  assert.deepEqual(Array.from(few.labels ?? []), [0, 1, 2, 0, 1]);
  assert.deepEqual(
    Array.from({ length: 5 }, (_, i) => Math.round(few.images.data[i * 4]! * 255)),
    [1, 3, 5, 1, 3],
  );

  // A plain folder stays unlabelled.
  const plain = await loadLabelledImageFolder(join(classRoot, 'cat'));
  assert.equal(plain.labels, undefined);
  assert.equal(plain.images.n, 3);

  const empty = mkdtempSync(join(tmpdir(), 'genreport-noclasses-'));
  mkdirSync(join(empty, 'nothing'));
  await assert.rejects(
    loadLabelledImageFolder(empty),
    /holds no \.png, \.jpg or \.jpeg files, nor class subfolders holding them/,
  );
});
