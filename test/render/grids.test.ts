/**
 * The grid stage: entries in the order given, each the PNG of its images;
 * images kept 8-bit (as the per-model stages keep them) draw the same PNG,
 * byte for byte, as the float batch they came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageBatch } from '../../src/core/types.ts';
import { imageGridPng } from '../../src/render/image-grid.ts';
import { gridPixels, grids } from '../../src/render/grids.ts';

/** Levels that round up, down, and clamp: 8-bit storage must round exactly as drawing from floats does. */
function batch(n: number, channels: number): ReturnType<typeof imageBatch> {
  const b = imageBatch(n, 3, 2, channels);
  for (let i = 0; i < b.data.length; i++) b.data[i] = ((i * 37) % 300) / 255 - 0.1 + (i % 2 ? 0.5 / 255 : -0.5 / 255);
  return b;
}

test('8-bit grid pixels draw the same PNG as the float images', async () => {
  for (const channels of [1, 3]) {
    const images = batch(5, channels);
    assert.deepEqual(
      await imageGridPng(gridPixels(images), { columns: 3, scale: 2, padding: 2 }),
      await imageGridPng(images, { columns: 3, scale: 2, padding: 2 }),
      `${channels} channel(s)`,
    );
  }
});

test('grids() gives one entry per grid, in the order given, with its fields and size', async () => {
  const entries = await grids([
    { id: 'b', title: 'B', caption: 'second', columns: 2, pixels: gridPixels(batch(4, 1)) },
    {
      id: 'a',
      title: 'A',
      caption: 'first',
      model: 'm',
      columns: 4,
      section: 'invertibility',
      pixels: gridPixels(batch(4, 3)),
    },
  ]);
  assert.deepEqual(
    entries.map(({ id, model, section, width, height }) => ({ id, model, section, width, height })),
    [
      // columns × (width · scale) + (columns + 1) · padding; rows × (height · scale) + (rows + 1) · padding.
      { id: 'b', model: undefined, section: undefined, width: 2 * 4 + 3 * 2, height: 2 * 6 + 3 * 2 },
      { id: 'a', model: 'm', section: 'invertibility', width: 4 * 4 + 5 * 2, height: 6 + 2 * 2 },
    ],
  );
  assert.match(entries[0]!.dataUri, /^data:image\/png;base64,/);
  assert.equal('section' in entries[0]!, false, 'no section key where none is given (report.json stays as it was)');
});
