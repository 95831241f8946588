/**
 * A partial: what one shard of a split run (`genreport run --shard i/n`)
 * hands to `genreport merge`. A folder holding `partial.json` (exact JSON, as
 * the model cache writes it: typed arrays and NaN keep every bit) and `.npy`
 * arrays beside it: the features of the shard's generated and real images in
 * every space, the generated images themselves (8-bit, the values grids
 * show), the truncation sweep's features and, per model and space, float64
 * statistics of the shard's features (count, mean, centred scatter), which
 * merge checks the features against. Models are written one at a time as
 * they are measured, so a shard holds one model's images at once;
 * `partial.json` is written last and atomically, so a folder with one is complete.
 *
 * The key says which run a partial belongs to; merge refuses partials whose
 * keys differ, naming the file and the field.
 */
import { closeSync, existsSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractorInfo, StageTiming } from '../assemble/report-data.ts';
import type { RunConfig } from '../config/config.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';
import type { BackendChoice } from '../core/backend.ts';
import { GenreportError, inputError } from '../core/errors.ts';
import { parseExact, stringifyExact } from '../core/exact-json.ts';
import { readInputText } from '../core/input-file.ts';
import { imageBatch, type FeatureMatrix, type ImageBatch } from '../core/types.ts';
import { encodeNpy, readNpy, toFeatureMatrix } from '../data/npy.ts';
import type { Extraction } from '../features/extractor.ts';
import { statsFromFeatures } from '../metrics/stats/moments.ts';
import type { ModelMeasurement } from './evaluate-model.ts';
import type { ImagesByIndex } from './image-grids.ts';
import type { Shard } from './shard.ts';

export const PARTIAL_FORMAT = 'genreport-partial/3';
export const PARTIAL_FILE = 'partial.json';

/** What must be equal in every partial of one run. */
export interface PartialKey {
  /** sha256 of the run config (all but `output`), which holds the seed and sample counts. */
  config: string;
  seed: number;
  samples: number;
  /** genreport's version and source hash: another formula makes other features. */
  version: string;
  code: string;
  backend: string;
  /** sha256 of each space's extractor weights. */
  extractors: string[];
  /** Each model's bundle hash, in config order; null where the model failed to load in that shard. */
  bundles: (string | null)[];
  /** sha256 of the real images and labels, and of the training images where memorisation uses them. */
  realData: string;
  trainData?: string;
}

/** Float64 statistics of a shard's features in one space. */
export interface ShareStats {
  n: number;
  mean: Float64Array;
  /** d × d, Σ(x − mean)(x − mean)ᵀ over the shard's rows. */
  scatter: Float64Array;
}

/** A model's measurement as a partial holds it: its images 8-bit, by index, from the partial's folder. */
export type PartialModel = { failed: string; path: string } | { measurement: ModelMeasurement; stats: ShareStats[] };

export interface Partial {
  shard: Shard;
  key: PartialKey;
  config: RunConfig;
  command: string;
  backend: BackendChoice;
  spaces: { id: string; info: ExtractorInfo }[];
  /** The real images' features in each space: rows of the shard's share, ascending global index. */
  real: Extraction[];
  train?: Extraction[];
  models: PartialModel[];
  timings: StageTiming[];
  warnings: string[];
}

type StoredExtraction = { features: string; probabilities?: string; classes?: string[] };
type StoredModel =
  | { failed: string; path: string }
  | {
      measurement: Omit<ModelMeasurement, 'generated' | 'fixed'> & {
        generated: { n: number; extractions: StoredExtraction[]; images: string };
        fixed?: Omit<NonNullable<ModelMeasurement['fixed']>, 'truncation'> & {
          truncation?: { samples: number; untruncated?: number[]; points: { psi: number; features: string }[] };
        };
      };
      stats: { n: number; mean: Float64Array; scatter: string }[];
    };

/** Where a shard writes its partial: the folder, with each model's arrays written as the model is measured. */
export class PartialWriter {
  readonly files: string[] = [];
  private readonly models: StoredModel[] = [];

  constructor(readonly dir: string) {
    // A folder that held an earlier partial is not complete again until partial.json is rewritten.
    rmSync(join(dir, PARTIAL_FILE), { force: true });
  }

  failed(failed: string, path: string): void {
    this.models.push({ failed, path });
  }

  /** Writes the model's arrays now (its images are read back from disk in chunks, so memory holds their 8-bit copy only). */
  model(measured: ModelMeasurement): void {
    const m = this.models.length;
    const { generated, fixed } = measured;
    this.models.push({
      measurement: {
        ...measured,
        generated: {
          n: generated.n,
          extractions: generated.extractions.map((e, s) => this.extraction(`model${m}-space${s}`, e)),
          images: this.array(`model${m}-images.npy`, encodeNpy(imageBytes(generated.images))),
        },
        fixed: fixed && {
          ...fixed,
          truncation: fixed.truncation && {
            ...fixed.truncation,
            points: fixed.truncation.points.map((p, k) => ({
              psi: p.psi,
              features: this.matrix(`model${m}-truncation${k}`, p.features),
            })),
          },
        },
      },
      stats: generated.extractions.map((e, s) => {
        const st = shareStats(e.features);
        return {
          n: st.n,
          mean: st.mean,
          scatter: this.array(
            `model${m}-space${s}-scatter.npy`,
            encodeNpy({ dtype: 'float64', shape: [st.mean.length, st.mean.length], data: st.scatter }),
          ),
        };
      }),
    });
    // Without the writer's own fields (dispose and the like) in partial.json.
    const stored = this.models[m] as { measurement: Record<string, unknown> };
    delete stored.measurement.dispose;
  }

  /** partial.json, last and atomically. */
  finish(partial: Omit<Partial, 'models' | 'real' | 'train'> & { real: Extraction[]; train?: Extraction[] }): string[] {
    const stored = {
      format: PARTIAL_FORMAT,
      ...partial,
      real: partial.real.map((e, s) => this.extraction(`real-space${s}`, e)),
      train: partial.train?.map((e, s) => this.extraction(`train-space${s}`, e)),
      models: this.models,
    };
    writeFileAtomic(join(this.dir, PARTIAL_FILE), stringifyExact(stored));
    this.files.push(join(this.dir, PARTIAL_FILE));
    return this.files;
  }

  private array(name: string, bytes: Uint8Array): string {
    writeFileAtomic(join(this.dir, name), bytes);
    this.files.push(join(this.dir, name));
    return name;
  }

  private matrix(name: string, m: FeatureMatrix): string {
    return this.array(`${name}.npy`, encodeNpy(featureArray(m)));
  }

  private extraction(name: string, e: Extraction): StoredExtraction {
    return {
      features: this.matrix(name, e.features),
      ...(e.probabilities ? { probabilities: this.matrix(`${name}-probabilities`, e.probabilities) } : {}),
      ...(e.classes ? { classes: e.classes } : {}),
    };
  }
}

/** The partial in `dir`, arrays loaded (images stay on disk); a folder without partial.json, or of another format, is refused (exit 2). */
export function readPartial(dir: string): Partial & { file: string } {
  const file = join(dir, PARTIAL_FILE);
  if (!existsSync(file)) {
    throw inputError(
      file,
      `not found: ${dir} is not a finished partial (genreport run <config> --shard i/n --out ${dir} writes one; a shard that is still running or failed has none)`,
    );
  }
  let stored: Record<string, unknown>;
  try {
    stored = parseExact<Record<string, unknown>>(readInputText(file, 'partial not found'));
  } catch (e) {
    if (e instanceof GenreportError) throw e;
    throw inputError(file, `is not a partial genreport wrote: ${(e as Error).message}`);
  }
  if (stored.format !== PARTIAL_FORMAT)
    throw inputError(
      file,
      `is "${String(stored.format)}", this genreport reads "${PARTIAL_FORMAT}"; rerun the shards with one genreport`,
      'format',
    );
  const s = stored as unknown as Omit<Partial, 'models' | 'real' | 'train'> & {
    real: StoredExtraction[];
    train?: StoredExtraction[];
    models: StoredModel[];
  };
  const matrix = (name: string) => toFeatureMatrix(readNpy(join(dir, name)), join(dir, name));
  const extraction = (e: StoredExtraction): Extraction => ({
    features: matrix(e.features),
    ...(e.probabilities ? { probabilities: matrix(e.probabilities) } : {}),
    ...(e.classes ? { classes: e.classes } : {}),
  });
  return {
    ...s,
    file,
    real: s.real.map(extraction),
    train: s.train?.map(extraction),
    models: s.models.map((model): PartialModel => {
      if ('failed' in model) return model;
      const { measurement } = model;
      const { generated, fixed } = measurement;
      return {
        measurement: {
          ...measurement,
          generated: {
            n: generated.n,
            extractions: generated.extractions.map(extraction),
            head: imageBatch(0, 1, 1, 1),
            images: new StoredImages(join(dir, generated.images)),
          },
          fixed: fixed && {
            ...fixed,
            truncation: fixed.truncation && {
              ...fixed.truncation,
              points: fixed.truncation.points.map((p) => ({ psi: p.psi, features: matrix(p.features) })),
            },
          },
        },
        stats: model.stats.map((st) => ({
          n: st.n,
          mean: st.mean,
          scatter: readNpy(join(dir, st.scatter)).data as Float64Array,
        })),
      };
    }),
  };
}

export function shareStats(m: FeatureMatrix): ShareStats {
  if (m.rows < 2) {
    const mean = new Float64Array(m.cols);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mean[j]! += m.data[i * m.cols + j]! / m.rows;
    return { n: m.rows, mean, scatter: new Float64Array(m.cols * m.cols) };
  }
  const { mean, cov, n } = statsFromFeatures(m);
  return { n, mean, scatter: cov.map((v) => v * (n - 1)) };
}

/**
 * A shard's images in its 8-bit .npy, read by index from disk as the report
 * needs them (the first GRID_SAMPLES, neighbour and memorisation pairs).
 * k / 255 gives back exactly the values grids show (they round to 8 bits).
 */
export class StoredImages implements ImagesByIndex {
  readonly n: number;
  private readonly shape: [number, number, number];
  private readonly offset: number;

  constructor(private readonly file: string) {
    const fd = openSync(file, 'r');
    try {
      // The .npy header: magic (6), version (2), header length (2 or 4), then a Python dict literal.
      const head = Buffer.alloc(12);
      readSync(fd, head, 0, 12, 0);
      const major = head[6];
      const length = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
      const start = major === 1 ? 10 : 12;
      const text = Buffer.alloc(length);
      readSync(fd, text, 0, length, start);
      const shape = /'shape':\s*\(([^)]*)\)/.exec(text.toString('latin1'));
      const dims = shape
        ? shape[1]!
            .split(',')
            .filter((d) => d.trim())
            .map(Number)
        : [];
      if (!/'descr':\s*'\|u1'/.test(text.toString('latin1')) || dims.length !== 4)
        throw inputError(file, 'is not the 8-bit [n, height, width, channels] images a shard writes');
      // Four dimensions, checked above.
      const [n, height, width, channels] = dims as [number, number, number, number];
      this.n = n;
      this.shape = [height, width, channels];
      this.offset = start + length;
    } finally {
      closeSync(fd);
    }
  }

  read(indices: ArrayLike<number>): ImageBatch {
    const [height, width, channels] = this.shape;
    const per = height * width * channels;
    const bytes = Buffer.alloc(per);
    const out = imageBatch(indices.length, height, width, channels);
    const fd = openSync(this.file, 'r');
    try {
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i]!;
        if (!(index >= 0 && index < this.n)) throw new Error(`${this.file}: image ${index} outside 0..${this.n - 1}`);
        readSync(fd, bytes, 0, per, this.offset + index * per);
        for (let k = 0; k < per; k++) out.data[i * per + k] = bytes[k]! / 255;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }
}

/** Features as float32 where that keeps every value (extractors give float32 values), else float64. */
function featureArray(m: FeatureMatrix) {
  const narrow = Float32Array.from(m.data);
  const exact = narrow.every((v, i) => v === m.data[i] || (Number.isNaN(v) && Number.isNaN(m.data[i])));
  return exact
    ? { dtype: 'float32' as const, shape: [m.rows, m.cols], data: narrow }
    : { dtype: 'float64' as const, shape: [m.rows, m.cols], data: m.data };
}

/** Every image, read back in chunks, as the 8-bit values a grid shows (render/image-grid.ts rounds the same way). */
function imageBytes(images: ImagesByIndex): { dtype: 'uint8'; shape: number[]; data: Uint8Array } {
  const first = images.read([0]);
  const per = first.height * first.width * first.channels;
  const data = new Uint8Array(images.n * per);
  const chunk = 1024;
  for (let start = 0; start < images.n; start += chunk) {
    const batch = images.read(Array.from({ length: Math.min(chunk, images.n - start) }, (_, i) => start + i));
    for (let k = 0; k < batch.data.length; k++)
      data[start * per + k] = Math.round(Math.min(1, Math.max(0, batch.data[k]!)) * 255);
  }
  return { dtype: 'uint8', shape: [images.n, first.height, first.width, first.channels], data };
}
