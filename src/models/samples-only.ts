/**
 * Samples-only models: a folder of images (PNG/JPEG, searched recursively) or
 * an .npy/.npz array of images, measured as if a model had drawn them. They
 * have every sample-based metric, grid and neighbour check; density,
 * invertibility, truncation and speed do not apply ("n/a — samples only").
 *
 * Arrays may be uint8 (k/255) or float in [0, 1], laid out NHWC or NCHW (as
 * PyTorch dumps them: NCHW when dimension 1 is 1 or 3 and the last is not);
 * an .npz's images are `images`, `arr_0` (as the ADM evaluator writes) or its
 * only array. More images than asked for are cut in a seeded order; too few
 * is bad input naming the file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { ModelSpec } from '../core/model-spec.ts';
import { inputError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { pickImages, type ImageBatch } from '../core/types.ts';
import { imagesFromArray } from '../data/array-images.ts';
import { readNpy } from '../data/npy.ts';
import { readNpz } from '../data/npz.ts';
import type { Bundle } from './bundle.ts';
import type { GenerativeModel } from './generative-model.ts';
import { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest } from './manifest.ts';

export const SAMPLES_ONLY_REASON = 'n/a — samples only: the model is its stored images';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** True for an .npy/.npz file, or a folder without a genmodel.json. */
export function isSamplesOnlyPath(path: string): boolean {
  const extension = extname(path).toLowerCase();
  if (extension === '.npy' || extension === '.npz') return true;
  try {
    return statSync(path).isDirectory() && !exists(join(path, MANIFEST_FILE));
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What a samples-only source holds before any image is decoded. */
type Store = { kind: 'folder'; files: string[] } | { kind: 'array'; file: string; images: ImageBatch };

export class SamplesOnlyModel implements GenerativeModel {
  readonly samplesOnly: { reason: string; family?: Manifest['family'] };
  private constructor(
    readonly bundle: Bundle,
    private readonly store: Store,
    family: Manifest['family'] | undefined,
  ) {
    this.samplesOnly = { reason: SAMPLES_ONLY_REASON, family };
  }

  /** Index the folder or read the array; images are checked and decoded here or when sampled. */
  static load(spec: Exclude<ModelSpec, string> | string): SamplesOnlyModel {
    const { path, name, family } = typeof spec === 'string' ? { path: spec, name: undefined, family: undefined } : spec;
    const extension = extname(path).toLowerCase();
    let store: Store;
    let hashed: string[];
    if (extension === '.npy' || extension === '.npz') {
      store = { kind: 'array', file: path, images: imagesFromArrayFile(path) };
      hashed = [path];
    } else {
      const files = listImagesRecursively(path);
      if (files.length === 0)
        throw inputError(path, 'samples folder holds no .png, .jpg or .jpeg files (searched recursively)');
      store = { kind: 'folder', files };
      hashed = files;
    }
    const first = store.kind === 'array' ? store.images : undefined;
    const manifest = {
      format: MANIFEST_FORMAT,
      name: name ?? defaultName(path),
      family: family ?? 'gan',
      description: 'samples only',
      image: {
        height: first?.height ?? 0,
        width: first?.width ?? 0,
        channels: (first?.channels ?? 1) as 1 | 3,
        range: [0, 1] as [number, number],
      },
      latent: null,
      likelihood: null,
      components: {},
    } satisfies Manifest;
    const bundle: Bundle = {
      manifest,
      path,
      dir: path,
      root: path,
      manifestFile: path,
      components: {},
      runnable: {},
      prior: null,
      hash: hashOf(hashed),
      parameters: 0,
      runtimes: [],
    };
    return new SamplesOnlyModel(bundle, store, family);
  }

  /** Images in stock: all of them, for a check before sampling. */
  get available(): number {
    return this.store.kind === 'array' ? this.store.images.n : this.store.files.length;
  }

  /** n of the stored images, chosen in the seeded order of `rng` (all of them when n equals the count, shuffled). */
  async sample(
    n: number,
    rng: Rng,
    _batchSize: number,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch> {
    const total = this.available;
    const where = this.bundle.path;
    if (total < n)
      throw inputError(
        where,
        `holds ${total} images, but the run asks for ${n} samples per model (lower samples, or add images)`,
      );
    // A partial Fisher–Yates fixes entry j at its step j, so a shard's entries are the whole run's.
    const all = rng.fork('samples-only').choose(total, n);
    const order = indices ? Int32Array.from(indices, (j) => all[j]!) : all;
    let out: ImageBatch;
    if (this.store.kind === 'array') {
      out = pickImages(this.store.images, order);
    } else {
      // sharp loads only when a folder is read.
      const { loadImageFiles } = await import('../data/image-folder.ts');
      const files = Array.from(order, (i) => (this.store as { files: string[] }).files[i]!);
      out = await loadImageFiles(files);
    }
    onProgress?.(order.length);
    return out;
  }
}

function defaultName(path: string): string {
  const base = basename(path)
    .replace(/\.(npz|npy)$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '-');
  return /^[A-Za-z0-9]/.test(base) ? base : `samples-${base}`;
}

function listImagesRecursively(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch (err) {
      throw inputError(d, `cannot read samples folder: ${(err as Error).message}`);
    }
    for (const name of names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (name.startsWith('.')) continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** sha256 over every image file's bytes, in listing order: the report says exactly what was measured. */
function hashOf(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex');
}

export { imagesFromArray };

/** The images of an .npy or .npz (`images`, `arr_0` or the only array), as NHWC in [0, 1]. */
export function imagesFromArrayFile(file: string): ImageBatch {
  if (extname(file).toLowerCase() === '.npy') return imagesFromArray(readNpy(file), file);
  const arrays = readNpz(file);
  const names = Object.keys(arrays);
  const chosen = ['images', 'arr_0'].find((n) => n in arrays) ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen)
    throw inputError(
      file,
      `cannot tell which array holds the images (found ${names.join(', ')}); name it 'images' or 'arr_0'`,
    );
  return imagesFromArray(arrays[chosen]!, `${file}:${chosen}`);
}
