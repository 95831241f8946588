/**
 * Writes the two small image folders the feature-space fixtures are made
 * from (test/fixtures/features/images-a, images-b), out of mnist:test:
 *   a: images 0–23 as they are (28×28 grey), so grey→RGB replication is exercised;
 *   b: images 24–47 padded to 32×32 and tinted with a per-image colour (RGB),
 *      so an extractor sees colour and a second image size.
 * Run: node --import tsx scripts/reference/write-feature-images.ts
 * then /usr/bin/python3 scripts/reference/make-feature-fixtures.py
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { imageBatch } from '../../src/core/types.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { writeImageFolder } from '../../src/data/image-folder.ts';

const ROOT = fileURLToPath(new URL('../../test/fixtures/features/', import.meta.url));
const N = 24;

const { images } = await loadMnist('test', 2 * N);
const a = imageBatch(N, 28, 28, 1, images.data.slice(0, N * 784));
const b = imageBatch(N, 32, 32, 3);
for (let i = 0; i < N; i++) {
  const tint = [0.4 + (0.6 * ((i * 7) % 5)) / 4, 0.4 + (0.6 * ((i * 3) % 4)) / 3, 1 - (0.5 * (i % 3)) / 2];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = images.data[(N + i) * 784 + y * 28 + x];
      for (let c = 0; c < 3; c++) b.data[((i * 32 + y + 2) * 32 + x + 2) * 3 + c] = v * tint[c];
    }
  }
}
for (const [name, batch] of [
  ['images-a', a],
  ['images-b', b],
] as const) {
  rmSync(ROOT + name, { recursive: true, force: true });
  await writeImageFolder(ROOT + name, batch);
}
process.stderr.write(`wrote ${ROOT}images-a, ${ROOT}images-b\n`);
