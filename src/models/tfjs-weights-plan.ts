/**
 * A tfjs model.json's `weightsManifest`, checked before any shard is opened:
 * every shard path resolves inside the bundle (src/core/contained-path.ts),
 * every weight has a known dtype and a sane shape, and the shards' sizes on
 * disk match what the weights need. Problems are reported together, each with
 * the model.json and the field (`weightsManifest[0].paths[1]`).
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { containedPath } from '../core/contained-path.ts';
import { GenreportError, type Problem } from '../core/errors.ts';

/** Bytes per value as stored, for the dtypes tfjs writes (a quantized weight is stored as its quantization dtype). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

export interface WeightsPlan {
  /** Paths of the shards (under `root`), in manifest order. */
  shards: string[];
  /** Bytes the weights need, which the shards hold together. */
  bytes: number;
}

/** Check `weightsManifest` of `file` (a model.json under `root`; shard paths are relative to its folder) against the real folder `root` they must stay inside. */
export function planWeights(weightsManifest: unknown, file: string, root: string): WeightsPlan {
  if (!Array.isArray(weightsManifest))
    throw new GenreportError({ file, field: 'weightsManifest', message: 'must be a list of weight groups' });
  const problems: Problem[] = [];
  const shards: string[] = [];
  let bytes = 0;
  weightsManifest.forEach((group: unknown, g) => {
    const at = `weightsManifest[${g}]`;
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths))
      problems.push({ file, field: `${at}.paths`, message: 'must be a list of shard file names' });
    else {
      paths.forEach((rel: unknown, p) => {
        const found = containedPath(root, rel, {
          from: dirname(file),
          notFound: `weight shard ${String(rel)} not found in the bundle`,
        });
        if ('problem' in found) problems.push({ file, field: `${at}.paths[${p}]`, message: found.problem });
        else shards.push(found.path);
      });
    }
    if (!Array.isArray(weights))
      problems.push({ file, field: `${at}.weights`, message: 'must be a list of weight specs (name, shape, dtype)' });
    else {
      weights.forEach((spec: unknown, w) => {
        const size = storedBytes(spec, file, `${at}.weights[${w}]`, problems);
        if (size !== null) bytes += size;
      });
    }
  });
  if (problems.length > 0) throw new GenreportError(problems);
  // Sizes from stat, before reading: a wrong manifest costs no read of a large file.
  const held = shards.reduce((sum, shard) => sum + statSync(shard).size, 0);
  if (held !== bytes)
    throw new GenreportError({
      file,
      field: 'weightsManifest',
      message: `the weight shards hold ${held} bytes but the weights described need ${bytes}`,
    });
  return { shards, bytes };
}

/** Bytes one weight takes in the shards, or null (with a problem recorded) when its spec is unusable. */
function storedBytes(spec: unknown, file: string, at: string, problems: Problem[]): number | null {
  const { name, shape, dtype, quantization } = (spec ?? {}) as {
    name?: unknown;
    shape?: unknown;
    dtype?: unknown;
    quantization?: { dtype?: unknown };
  };
  const before = problems.length;
  if (typeof name !== 'string') problems.push({ file, field: `${at}.name`, message: 'must be the weight name' });
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    problems.push({ file, field: `${at}.shape`, message: 'must be a list of non-negative whole numbers' });
  }
  const perValue =
    quantization === undefined ? STORED_BYTES[String(dtype)] : QUANTIZED_BYTES[String(quantization?.dtype)];
  if (typeof dtype !== 'string' || !(dtype in STORED_BYTES)) {
    problems.push({
      file,
      field: `${at}.dtype`,
      message: `must be one of ${Object.keys(STORED_BYTES).join(', ')}, not ${JSON.stringify(dtype)}`,
    });
  } else if (perValue === undefined) {
    problems.push({
      file,
      field: `${at}.quantization.dtype`,
      message: `must be one of ${Object.keys(QUANTIZED_BYTES).join(', ')}, not ${JSON.stringify(quantization?.dtype)}`,
    });
  }
  if (problems.length > before) return null;
  const values = (shape as number[]).reduce((a, b) => a * b, 1);
  return values * perValue!;
}
