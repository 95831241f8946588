/** Colour handling and the input convention (range, normalisation, layout). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageBatch } from '../../src/core/types.ts';
import { matchChannels } from '../../src/features/preprocess/colour.ts';
import { toModelInput } from '../../src/features/preprocess/model-input.ts';

test('grey goes to a 3-channel extractor by replication, without a warning', () => {
  const grey = imageBatch(1, 1, 2, 1, Float32Array.from([0.25, 0.5]));
  const r = matchChannels(grey, 3, 'X');
  assert.deepEqual([...r.images.data], [0.25, 0.25, 0.25, 0.5, 0.5, 0.5]);
  assert.equal(r.images.channels, 3);
  assert.equal(r.warning, undefined);
  assert.match(r.handling, /replication/);
});

test('RGB goes to a 1-channel extractor by the channel mean, with a warning naming the extractor', () => {
  const rgb = imageBatch(1, 1, 1, 3, Float32Array.from([0.3, 0.6, 0.9]));
  const r = matchChannels(rgb, 1, 'my-grey.onnx');
  assert.ok(Math.abs(r.images.data[0]! - 0.6) < 1e-7);
  assert.match(r.warning ?? '', /^my-grey\.onnx takes 1-channel images: RGB images were averaged to grey/);
});

test('NCHW input: range then per-channel normalisation, channels moved to axis 1', () => {
  // 1 image, 1×2 pixels, 3 channels: pixel 0 = (0, 0.5, 1), pixel 1 = (1, 1, 1).
  const batch = imageBatch(1, 1, 2, 3, Float32Array.from([0, 0.5, 1, 1, 1, 1]));
  const t = toModelInput(batch, { layout: 'NCHW', range: [-1, 1], mean: [0, 0, 1], std: [1, 2, 1] });
  assert.deepEqual(t.dims, [1, 3, 1, 2]);
  // channel 0: [-1, 1]; channel 1: [0, 1]/2; channel 2: [1, 1] − 1.
  assert.deepEqual([...t.data], [-1, 1, 0, 0.5, 0, 0]);
});

test('NHWC input keeps the pixel order', () => {
  const batch = imageBatch(1, 1, 2, 1, Float32Array.from([0.25, 1]));
  const t = toModelInput(batch, { layout: 'NHWC', range: [0, 255] });
  assert.deepEqual(t.dims, [1, 1, 2, 1]);
  assert.deepEqual([...t.data], [63.75, 255]);
});
