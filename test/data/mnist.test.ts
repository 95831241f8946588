import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist } from '../../src/data/mnist.ts';

test('MNIST test split: 10,000 28×28 grey images in [0, 1], all ten digits', () => {
  const { images, labels, source } = loadMnist('test');
  assert.deepEqual([images.n, images.height, images.width, images.channels], [10_000, 28, 28, 1]);
  assert.equal(labels.length, 10_000);
  assert.match(source, /t10k-images-idx3-ubyte$/);
  let min = Infinity;
  let max = -Infinity;
  for (const v of images.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  // Every digit appears roughly 1,000 times (MNIST test: 892 to 1,135).
  const histogram = new Array(10).fill(0);
  for (const label of labels) histogram[label]++;
  assert.equal(
    histogram.reduce((a, b) => a + b, 0),
    10_000,
  );
  for (const count of histogram) assert.ok(count > 850 && count < 1200, `histogram ${histogram}`);
  // First test image is a 7, as everyone who has looked at MNIST knows.
  assert.equal(labels[0], 7);
});

test('MNIST train split has 60,000 images; limit takes the first ones', () => {
  const full = loadMnist('train');
  assert.equal(full.images.n, 60_000);
  assert.equal(full.labels.length, 60_000);
  assert.equal(full.labels[0], 5);
  const few = loadMnist('train', 3);
  assert.equal(few.images.n, 3);
  assert.equal(few.images.data.length, 3 * 28 * 28);
  assert.deepEqual(Array.from(few.labels), Array.from(full.labels.slice(0, 3)));
  assert.deepEqual(few.images.data, full.images.data.slice(0, 3 * 28 * 28));
});

test('callers get their own copies, so mutating one load does not leak into the cache', () => {
  const first = loadMnist('test', 1);
  first.images.data.fill(0.5);
  first.labels[0] = 99;
  const second = loadMnist('test', 1);
  assert.equal(second.labels[0], 7);
  assert.notEqual(second.images.data[0], 0.5);
});
