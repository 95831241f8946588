/**
 * Feature matrices from files, for the features-in command: a `.npy` holding
 * an n × d float array, or a `.npz` holding one (named `features`, or its
 * only array) and optionally `probabilities` (n × classes) and `labels`.
 * This is what lets a PyTorch or JAX user dump features and get our numbers.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { inputError } from '../core/errors.ts';
import { featureMatrix, type FeatureMatrix } from '../core/types.ts';
import { readNpy, readNpyLayout, type NdArray } from '../data/npy.ts';
import { readNpz } from '../data/npz.ts';
import type { SampleSet } from './registry.ts';
import { statsFromRows, type FeatureStats, type RowBlocks } from './stats/moments.ts';
import { openBlas } from './stats/openblas.ts';
import { onSecondThread, secondThreadAllowed } from './stats/second-thread.ts';

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

/**
 * The rows of a `.npy` feature file, read from disk a block at a time as
 * statistics that pass over the rows ask for them (moments.ts): the file is
 * never held whole. Reading a file into fresh memory costs more in page
 * faults than in reading (for a 10,000 × 2,048 float32 file about 0.25 s
 * against 0.015 s into a reused block). Values are checked as readFeatureFile
 * checks them, when a mean comes out non-finite. Null for other files (an
 * .npz member is compressed: readFeatureFile reads it whole).
 */
export function featureFileRows(path: string): RowBlocks | null {
  if (extname(path).toLowerCase() !== '.npy') return null;
  const { dtype, shape, dataStart } = readNpyLayout(path);
  const [rows, cols] = checkShape(shape, dtype, path);
  const bytesPerValue = dtype === 'float32' ? 4 : 8;
  let block: Float32Array | Float64Array = new Float64Array(0);
  const read = (start: number, count: number): Float32Array | Float64Array => {
    if (block.length < count * cols)
      block = dtype === 'float32' ? new Float32Array(count * cols) : new Float64Array(count * cols);
    const bytes = new Uint8Array(block.buffer, 0, count * cols * bytesPerValue);
    const fd = openSync(path, 'r');
    try {
      for (let done = 0; done < bytes.length; ) {
        const got = readSync(fd, bytes, done, bytes.length - done, dataStart + start * cols * bytesPerValue + done);
        if (got === 0) throw inputError(path, `ended early: rows ${start}–${start + count - 1} could not be read`);
        done += got;
      }
    } finally {
      closeSync(fd);
    }
    return block.subarray(0, count * cols);
  };
  return {
    rows,
    cols,
    read,
    nonFiniteMean() {
      for (let start = 0; start < rows; start += 512) {
        const count = Math.min(512, rows - start);
        const values = read(start, count);
        const k = firstNonFinite(values);
        if (k >= 0) throw nonFiniteError(path, values[k]!, start + Math.floor(k / cols), k % cols);
      }
    },
  };
}

/** The moments of a `.npy` feature file, streamed (featureFileRows): what the second thread of featureFilePairStats runs. */
export function featureFileStats(path: string): FeatureStats {
  const rows = featureFileRows(path);
  if (!rows) throw new Error(`feature file statistics: ${path} is not a .npy file`);
  return statsFromRows(rows);
}

/**
 * The moments of two `.npy` feature files at once: the second file's on a
 * second thread while this one streams the first, with OpenBLAS at one thread
 * per call meanwhile. Two independent dsyrk streams lose nothing to
 * synchronising, and each thread's reading and centring overlaps the other's
 * products. Either side runs the same code on the same file: the numbers do
 * not depend on where it ran (second-thread.ts).
 */
export function featureFilePairStats(
  real: RowBlocks,
  fake: { path: string; rows: RowBlocks },
): [FeatureStats, FeatureStats] {
  const blas = openBlas();
  const both = (): [FeatureStats, FeatureStats] => {
    const later = onSecondThread(import.meta.url, 'featureFileStats', [fake.path], () => statsFromRows(fake.rows));
    return [statsFromRows(real), later.result()];
  };
  return blas && secondThreadAllowed() ? blas.oneThreadEach(both) : both();
}

function checkShape(shape: number[], dtype: NdArray['dtype'], file: string): [number, number] {
  if (shape.length !== 2)
    throw inputError(file, `features must be a 2-D array (samples × features), got shape (${shape.join(', ')})`);
  if (dtype === 'uint8')
    throw inputError(file, 'features must be float32 or float64, got uint8 (images? pass --extractor)');
  return shape as [number, number];
}

const nonFiniteError = (file: string, value: number, row: number, column: number) =>
  inputError(file, `holds a non-finite value (${value}) at row ${row}, column ${column}`);

function toMatrix(array: NdArray, file: string): FeatureMatrix {
  const [rows, cols] = checkShape(array.shape, array.dtype, file);
  const { data } = array;
  const k = firstNonFinite(data as Float32Array | Float64Array);
  if (k >= 0) throw nonFiniteError(file, data[k]!, Math.floor(k / cols), k % cols);
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
