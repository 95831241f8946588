/**
 * Feature matrices from files, for the features-in command: a `.npy` holding
 * an n × d float array, or a `.npz` holding one (named `features`, or its
 * only array) and optionally `probabilities` (n × classes) and `labels`.
 * This is what lets a PyTorch or JAX user dump features and get our numbers.
 */
import { extname } from 'node:path';
import { inputError } from '../core/errors.ts';
import { featureMatrix, type FeatureMatrix } from '../core/types.ts';
import { readNpy, type NdArray } from '../data/npy.ts';
import { readNpz } from '../data/npz.ts';
import type { SampleSet } from './registry.ts';

export function readFeatureFile(path: string): SampleSet {
  if (extname(path).toLowerCase() === '.npy') return { features: toMatrix(readNpy(path), path) };
  if (extname(path).toLowerCase() !== '.npz')
    throw inputError(path, 'features must be a .npy or .npz file (or pass --extractor to read images)');
  const arrays = readNpz(path);
  const names = Object.keys(arrays);
  const name = 'features' in arrays ? 'features' : names.length === 1 ? names[0] : undefined;
  if (!name)
    throw inputError(
      path,
      `cannot tell which array holds the features (found ${names.join(', ')}); name it 'features'`,
    );
  const features = toMatrix(arrays[name]!, `${path}:${name}`);
  const set: SampleSet = { features };
  if (arrays.probabilities) {
    set.probabilities = toMatrix(arrays.probabilities, `${path}:probabilities`);
    if (set.probabilities.rows !== features.rows)
      throw inputError(`${path}:probabilities`, `has ${set.probabilities.rows} rows, features have ${features.rows}`);
  }
  if (arrays.labels) {
    const labels = arrays.labels;
    if (labels.shape.length !== 1 || labels.shape[0] !== features.rows)
      throw inputError(
        `${path}:labels`,
        `must be 1-D with ${features.rows} entries, got shape (${labels.shape.join(', ')})`,
      );
    set.labels = Uint8Array.from(labels.data);
  }
  return set;
}

function toMatrix(array: NdArray, file: string): FeatureMatrix {
  if (array.shape.length !== 2)
    throw inputError(file, `features must be a 2-D array (samples × features), got shape (${array.shape.join(', ')})`);
  if (array.dtype === 'uint8')
    throw inputError(file, 'features must be float32 or float64, got uint8 (images? pass --extractor)');
  const [rows, cols] = array.shape as [number, number]; // 2-D, checked above
  const { data } = array;
  const k = firstNonFinite(data as Float32Array | Float64Array);
  if (k >= 0)
    throw inputError(file, `holds a non-finite value (${data[k]}) at row ${Math.floor(k / cols)}, column ${k % cols}`);
  if (data instanceof Float64Array) return featureMatrix(rows, cols, data);
  return float32Backed(rows, cols, data as Float32Array);
}

/**
 * Index of the first NaN or ±∞, or −1. `v − v` is 0 exactly for finite v: plain
 * arithmetic, fast even before the optimising compiler has run (which, on a
 * loaded machine, may be seconds into a 20-million-value file).
 */
function firstNonFinite(data: Float32Array | Float64Array): number {
  for (let k = 0, n = data.length; k < n; k++) {
    const v = data[k]!;
    if (v - v !== 0) return k;
  }
  return -1;
}

/**
 * Float32 features whose float64 `data` is made on first use. FID on two
 * 10,000 × 2,048 files reads each value once (moments.ts reads `float32`),
 * so it never pays for the 160 MB float64 copy per file; every other reader
 * of `data` gets the same values it would have got from an eager copy.
 */
function float32Backed(rows: number, cols: number, float32: Float32Array): FeatureMatrix {
  let data: Float64Array | undefined;
  return {
    rows,
    cols,
    float32,
    get data() {
      data ??= new Float64Array(float32);
      return data;
    },
  };
}
