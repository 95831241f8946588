/**
 * A folder of PNG/JPEG images as one ImageBatch, and the reverse. Files are
 * taken in code-point order of their names so a batch is reproducible; the
 * writer zero-pads names so that order is the batch order.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { inputError } from '../core/errors.ts';
import { at } from '../core/indexed.ts';
import { imageBatch, type ImageBatch } from '../core/types.ts';

export interface ImageFolderOptions {
  /** Target size; images are resized (stretched) to it. Without it all images must share the first one's size. */
  height?: number;
  width?: number;
  /** 1 = greyscale, 3 = RGB; default: the first image's colour count. */
  channels?: 1 | 3;
  limit?: number;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

// Decoding in small groups keeps libvips busy without opening thousands of files at once.
const DECODE_GROUP = 16;

export function listImageFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw inputError(dir, `cannot read image folder: ${(err as Error).message}`);
  }
  return names
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(dir, name));
}

export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageBatch> {
  const files = listImageFiles(dir).slice(0, options.limit);
  if (files.length === 0) {
    throw inputError(dir, 'image folder holds no .png, .jpg or .jpeg files');
  }
  return decodeImageFiles(files, options);
}

/** Decode the given files (same size, or resized to the options' size) in their order; a bad file is named. */
export async function loadImageFiles(files: string[], options: ImageFolderOptions = {}): Promise<ImageBatch> {
  return decodeImageFiles(files, options);
}

export interface LabelledFolder {
  images: ImageBatch;
  /** Set for the class-folder layout only. */
  labels?: Uint8Array;
  classes?: string[];
}

/**
 * A folder of images, or torchvision's ImageFolder layout: no images at the top,
 * one subfolder per class (label = index of its name in code-point order).
 * With a limit, images are taken from the classes in turn, so the first N
 * cover every class rather than only the first.
 */
export async function loadLabelledImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<LabelledFolder> {
  if (listImageFiles(dir).length > 0) return { images: await loadImageFolder(dir, options) };
  const classes = subfolders(dir);
  const perClass = classes.map((name) => listImageFiles(join(dir, name)));
  if (classes.length === 0 || perClass.every((files) => files.length === 0)) {
    throw inputError(dir, 'image folder holds no .png, .jpg or .jpeg files, nor class subfolders holding them');
  }
  if (classes.length > 256)
    throw inputError(dir, `has ${classes.length} class subfolders; at most 256 classes are supported`);
  const chosen = options.limit === undefined ? classMajor(perClass) : roundRobin(perClass, options.limit);
  const images = await decodeImageFiles(
    chosen.map((c) => c.file),
    options,
  );
  return { images, labels: Uint8Array.from(chosen, (c) => c.label), classes };
}

function subfolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type Labelled = { file: string; label: number };

function classMajor(perClass: string[][]): Labelled[] {
  return perClass.flatMap((files, label) => files.map((file) => ({ file, label })));
}

function roundRobin(perClass: string[][], limit: number): Labelled[] {
  const out: Labelled[] = [];
  for (let i = 0; out.length < limit; i++) {
    let any = false;
    for (const [label, files] of perClass.entries()) {
      if (i < files.length && out.length < limit) {
        out.push({ file: files[i]!, label });
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

async function decodeImageFiles(files: string[], options: ImageFolderOptions): Promise<ImageBatch> {
  const first = await readMetadata(at(files, 0, 'image files'));
  const height = options.height ?? first.height;
  const width = options.width ?? first.width;
  const channels = options.channels ?? first.channels;
  const resize = options.height !== undefined || options.width !== undefined;

  const per = height * width * channels;
  const data = new Float32Array(files.length * per);
  for (let start = 0; start < files.length; start += DECODE_GROUP) {
    const group = files.slice(start, start + DECODE_GROUP);
    const pixels = await Promise.all(group.map((file) => decode(file, { height, width, channels, resize })));
    pixels.forEach((image, i) => {
      const offset = (start + i) * per;
      for (let j = 0; j < per; j++) data[offset + j] = image[j]! / 255;
    });
  }
  return imageBatch(files.length, height, width, channels, data);
}

/** Writes each image as `000000.png`, `000001.png`, …; returns the paths in batch order. */
export async function writeImageFolder(dir: string, batch: ImageBatch): Promise<string[]> {
  if (batch.channels !== 1 && batch.channels !== 3) {
    throw new Error(`writeImageFolder: only 1 or 3 channels can be written as PNG, got ${batch.channels}`);
  }
  mkdirSync(dir, { recursive: true });
  const per = batch.height * batch.width * batch.channels;
  const digits = Math.max(6, String(batch.n - 1).length);
  const files: string[] = [];
  for (let i = 0; i < batch.n; i++) {
    const bytes = new Uint8Array(per);
    for (let j = 0; j < per; j++) bytes[j] = Math.round(Math.min(1, Math.max(0, batch.data[i * per + j]!)) * 255);
    const file = join(dir, `${String(i).padStart(digits, '0')}.png`);
    let image = sharp(bytes, { raw: { width: batch.width, height: batch.height, channels: batch.channels } });
    // Without b-w, sharp expands a one-band raw image to RGB on output.
    if (batch.channels === 1) image = image.toColourspace('b-w');
    await image.png().toFile(file);
    files.push(file);
  }
  return files;
}

async function readMetadata(file: string): Promise<{ height: number; width: number; channels: 1 | 3 }> {
  try {
    const meta = await sharp(file).metadata();
    const colours = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
    return { height: meta.height, width: meta.width, channels: colours === 1 ? 1 : 3 };
  } catch (err) {
    throw inputError(file, `cannot decode image: ${(err as Error).message}`);
  }
}

interface DecodeTarget {
  height: number;
  width: number;
  channels: 1 | 3;
  resize: boolean;
}

async function decode(file: string, target: DecodeTarget): Promise<Uint8Array> {
  let result: { data: Buffer; info: OutputInfo };
  try {
    let image = sharp(file).removeAlpha();
    if (target.resize) image = image.resize(target.width, target.height, { fit: 'fill' });
    image = image.toColourspace(target.channels === 1 ? 'b-w' : 'srgb');
    result = await image.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw inputError(file, `cannot decode image: ${(err as Error).message}`);
  }
  const { info, data } = result;
  if (info.height !== target.height || info.width !== target.width) {
    throw inputError(
      file,
      `image is ${info.width}×${info.height} but the folder's first image is ${target.width}×${target.height}; give a target size to resize`,
    );
  }
  if (info.channels !== target.channels) {
    throw inputError(file, `decoded to ${info.channels} channels, expected ${target.channels}`);
  }
  return data;
}
