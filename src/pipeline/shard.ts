/**
 * One run split across machines: shard i of n takes every image whose global
 * index j has j ≡ i (mod n), of the generated samples of every model and of
 * the real (and training) images, and the fixed per-model work (density,
 * invertibility, the truncation sweep) of the models whose config position
 * m has m ≡ i (mod n). `merge` puts the rows back in global order, so every
 * metric sees exactly the features a single run computes.
 */
import { inputError } from '../core/errors.ts';
import type { FeatureMatrix, ImageBatch } from '../core/types.ts';
import { imageBatch } from '../core/types.ts';
import { at } from '../core/indexed.ts';
import type { Extraction } from '../features/extractor.ts';
import type { ImagesByIndex } from './image-grids.ts';

export interface Shard {
  index: number;
  count: number;
}

/** The global indices of a set of `total` rows that shard `shard` takes, ascending. */
export function shareIndices(total: number, shard: Shard): Int32Array {
  const out = new Int32Array(Math.max(0, Math.ceil((total - shard.index) / shard.count)));
  for (let k = 0; k < out.length; k++) out[k] = shard.index + k * shard.count;
  return out;
}

/** Whether this shard does the fixed work of the model at config position `model`. */
export function ownsModel(shard: Shard, model: number): boolean {
  return model % shard.count === shard.index;
}

/** Rows of each shard's share (shard order) back in global order: row j is share j mod n's row ⌊j / n⌋. */
export function interleaveFeatures(shares: FeatureMatrix[]): FeatureMatrix {
  const n = shares.length;
  const cols = at(shares, 0, 'feature shares').cols;
  const rows = shares.reduce((s, m) => s + m.rows, 0);
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < rows; j++) {
    const share = shares[j % n]!;
    const k = Math.floor(j / n);
    data.set(share.data.subarray(k * cols, (k + 1) * cols), j * cols);
  }
  return { rows, cols, data };
}

export function interleaveImages(shares: ImageBatch[]): ImageBatch {
  const n = shares.length;
  const { height, width, channels } = at(shares, 0, 'image shares');
  const per = height * width * channels;
  const count = shares.reduce((s, b) => s + b.n, 0);
  const out = imageBatch(count, height, width, channels);
  for (let j = 0; j < count; j++) {
    const k = Math.floor(j / n);
    out.data.set(shares[j % n]!.data.subarray(k * per, (k + 1) * per), j * per);
  }
  return out;
}

/** As interleaveFeatures, for per-row labels. */
export function interleaveLabels(shares: Uint8Array[]): Uint8Array {
  const n = shares.length;
  const out = new Uint8Array(shares.reduce((s, l) => s + l.length, 0));
  for (let j = 0; j < out.length; j++) out[j] = shares[j % n]![Math.floor(j / n)]!;
  return out;
}

/**
 * `--shard i/n`, or `--shard` absent with `--shards n` and the index from
 * JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a
 * Slurm job array). Undefined when neither flag is given: a whole run.
 */
export function parseShard(
  flags: { shard?: unknown; shards?: unknown },
  env: NodeJS.ProcessEnv = process.env,
): Shard | undefined {
  if (flags.shard === undefined && flags.shards === undefined) return undefined;
  if (flags.shard !== undefined) {
    const text = String(flags.shard);
    const match = /^(\d+)\/(\d+)$/.exec(text);
    if (!match)
      throw inputError(
        undefined,
        `"${text}" is not i/n (shard i of n, counted from 0: --shard 0/4 ... --shard 3/4)`,
        '--shard',
      );
    const shard = { index: Number(match[1]), count: Number(match[2]) };
    if (flags.shards !== undefined && Number(flags.shards) !== shard.count) {
      throw inputError(
        undefined,
        `says ${String(flags.shards)} shards, but --shard ${text} says ${shard.count}`,
        '--shards',
      );
    }
    return checked(shard, '--shard');
  }
  const count = String(flags.shards);
  if (!/^\d+$/.test(count)) throw inputError(undefined, `"${count}" is not a whole number of shards`, '--shards');
  const [variable, value] =
    env.JOB_COMPLETION_INDEX !== undefined
      ? ['JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX]
      : ['SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID];
  if (value === undefined) {
    throw inputError(
      undefined,
      'needs the shard index: give --shard i/n, or run as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm job array (SLURM_ARRAY_TASK_ID)',
      '--shards',
    );
  }
  if (!/^\d+$/.test(value))
    throw inputError(undefined, `"${value}" is not a shard index (a whole number from 0)`, variable);
  return checked({ index: Number(value), count: Number(count) }, variable);
}

function checked(shard: Shard, where: string): Shard {
  if (shard.count < 1) throw inputError(undefined, 'a run has at least 1 shard', where);
  if (shard.index >= shard.count) {
    throw inputError(
      undefined,
      `shard ${shard.index} of ${shard.count} does not exist: shards are counted from 0 to ${shard.count - 1} (a Slurm array for ${shard.count} shards is --array=0-${shard.count - 1})`,
      where,
    );
  }
  return shard;
}

/** Each shard's images (shard order) as one set in global order: image j is share j mod n's image ⌊j / n⌋. */
export function interleavedImages(shares: ImagesByIndex[]): ImagesByIndex {
  const count = shares.length;
  return {
    n: shares.reduce((s, b) => s + b.n, 0),
    read(indices: ArrayLike<number>): ImageBatch {
      const parts = Array.from(indices, (j) => shares[j % count]!.read([Math.floor(j / count)]));
      const { height, width, channels } = parts[0] ?? { height: 1, width: 1, channels: 1 };
      const per = height * width * channels;
      const out = imageBatch(parts.length, height, width, channels);
      parts.forEach((p, i) => out.data.set(p.data, i * per));
      return out;
    },
  };
}

/** As interleaveFeatures, for each space's features and class probabilities. */
export function interleaveExtraction(shares: Extraction[]): Extraction {
  return {
    features: interleaveFeatures(shares.map((e) => e.features)),
    ...(shares[0]?.probabilities ? { probabilities: interleaveFeatures(shares.map((e) => e.probabilities!)) } : {}),
    ...(shares[0]?.classes ? { classes: shares[0].classes } : {}),
  };
}
