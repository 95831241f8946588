import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { imageBatch } from '../../src/core/types.ts';
import { imageGridPng, pngDataUri } from '../../src/render/image-grid.ts';

/** Image i is filled with grey level i / 10, except pixel (0, 0) which is white. */
function greyBatch(n: number): ReturnType<typeof imageBatch> {
  const batch = imageBatch(n, 4, 5, 1);
  for (let i = 0; i < n; i++) {
    batch.data.fill(i / 10, i * 20, (i + 1) * 20);
    batch.data[i * 20] = 1;
  }
  return batch;
}

test('a greyscale grid has the tiled size, one channel, and nearest-neighbour pixels', async () => {
  const png = await imageGridPng(greyBatch(5), { columns: 3, padding: 1, scale: 3, background: 0.5 });
  const meta = await sharp(png).metadata();
  // 3 columns of 5×3 px plus 4 gaps; 2 rows of 4×3 px plus 3 gaps.
  assert.equal(meta.width, 3 * 15 + 4);
  assert.equal(meta.height, 2 * 12 + 3);
  assert.equal(meta.channels, 1);
  assert.equal(meta.format, 'png');

  // sharp reads greyscale back as sRGB unless told otherwise.
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[y * info.width + x];
  assert.equal(at(0, 0), 128, 'padding uses the background');
  assert.equal(at(1, 1), 255, 'the white pixel of image 0 ...');
  assert.equal(at(3, 3), 255, '... is a crisp 3×3 block');
  assert.equal(at(4, 1), 0, 'image 0 elsewhere is black');
  // Image 4 sits in row 1, column 1: its top-left block starts at (1 + 16, 1 + 13).
  assert.equal(at(17, 14), 255);
  assert.equal(at(20, 14), Math.round(0.4 * 255));
  assert.equal(at(17 + 14, 14 + 11), Math.round(0.4 * 255), 'last pixel of image 4');
  // Row 1, column 2 holds no image: background.
  assert.equal(at(40, 20), 128);
});

test('an RGB batch stays RGB with its colours', async () => {
  const batch = imageBatch(2, 2, 2, 3);
  for (let p = 0; p < 8; p++) batch.data.set(p < 4 ? [1, 0, 0] : [0, 0, 1], p * 3);
  const png = await imageGridPng(batch, { columns: 2, padding: 0, scale: 1 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  assert.deepEqual([info.width, info.height], [4, 2]);
  assert.deepEqual([...data.subarray(0, 3)], [255, 0, 0]);
  assert.deepEqual([...data.subarray(3 * 3, 3 * 3 + 3)], [0, 0, 255]);
});

test('values outside [0, 1] are clamped and odd channel counts refused', async () => {
  const batch = imageBatch(1, 1, 2, 1, new Float32Array([-0.5, 7]));
  const { data } = await sharp(await imageGridPng(batch, { padding: 0, scale: 1 }))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.deepEqual([...data], [0, 255]);
  await assert.rejects(imageGridPng(imageBatch(1, 2, 2, 2)), /1 \(greyscale\) or 3 \(RGB\)/);
});

test('pngDataUri wraps the bytes as base64', () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
  assert.equal(pngDataUri(bytes), 'data:image/png;base64,iVBORw==');
});
