import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix } from '../../src/core/types.ts';
import { writeNpy } from '../../src/data/npy.ts';
import {
  featureFilePairStats,
  featureFileRows,
  featureFileStats,
  readFeatureFile,
} from '../../src/metrics/feature-files.ts';
import { statsFromFeatures, statsFromRows } from '../../src/metrics/stats/moments.ts';

function withFloat32File(rows: number, cols: number, check: (path: string, values: Float32Array) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-feature-files-'));
  try {
    const rng = new Rng(3);
    const values = Float32Array.from({ length: rows * cols }, (_, k) => 10 * (k % cols) + rng.normal());
    const path = join(dir, 'features.npy');
    writeNpy(path, { dtype: 'float32', shape: [rows, cols], data: values });
    check(path, values);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a float32 .npy keeps its float32 values, and its float64 data holds exactly the same values', () => {
  withFloat32File(37, 5, (path, values) => {
    const { features } = readFeatureFile(path);
    assert.equal(features.rows, 37);
    assert.equal(features.cols, 5);
    assert.deepEqual(Array.from(features.float32!), Array.from(values));
    assert.ok(features.data instanceof Float64Array);
    assert.deepEqual(Array.from(features.data), Array.from(values));
    assert.equal(features.data, features.data, 'the float64 copy is made once');
  });
});

test('moments from the float32 values equal, to the bit, those from an eager float64 copy (BLAS and plain JS)', () => {
  withFloat32File(301, 9, (path, values) => {
    const fromFile = readFeatureFile(path).features;
    const eager = featureMatrix(301, 9, Float64Array.from(values));
    for (const blas of [undefined, null]) {
      const a = statsFromFeatures(fromFile, { blas });
      const b = statsFromFeatures(eager, { blas });
      assert.deepEqual(Array.from(a.mean), Array.from(b.mean));
      assert.deepEqual(Array.from(a.cov), Array.from(b.cov));
    }
  });
});

test('a non-finite value in a float32 file is named by row and column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-feature-files-'));
  try {
    const bad = new Float32Array(12);
    bad[7] = Number.NaN;
    const file = join(dir, 'bad.npy');
    writeNpy(file, { dtype: 'float32', shape: [4, 3], data: bad });
    assert.throws(() => readFeatureFile(file), /non-finite value \(NaN\) at row 2, column 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('moments streamed from a .npy a block at a time equal, to the bit, those of the file read whole (float32 and float64, BLAS and plain JS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-feature-files-'));
  try {
    const rng = new Rng(8);
    // 1,100 rows: more than two of the BLAS route's 512-row blocks, a partial block last.
    const values = Float64Array.from({ length: 1100 * 7 }, (_, k) => 100 + 10 * (k % 7) + rng.normal());
    writeNpy(join(dir, 'f64.npy'), { dtype: 'float64', shape: [1100, 7], data: values });
    writeNpy(join(dir, 'f32.npy'), { dtype: 'float32', shape: [1100, 7], data: Float32Array.from(values) });
    for (const name of ['f32.npy', 'f64.npy']) {
      const rows = featureFileRows(join(dir, name))!;
      assert.equal(rows.rows, 1100);
      assert.equal(rows.cols, 7);
      for (const blas of [undefined, null]) {
        const streamed = statsFromRows(rows, { blas });
        const whole = statsFromFeatures(readFeatureFile(join(dir, name)).features, { blas });
        assert.deepEqual(Array.from(streamed.mean), Array.from(whole.mean), name);
        assert.deepEqual(Array.from(streamed.cov), Array.from(whole.cov), name);
        assert.equal(streamed.n, 1100);
      }
    }
    assert.equal(featureFileRows(join(dir, 'f32.npz')), null, 'only .npy files stream');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a streamed .npy names a non-finite value by row and column (past the first block too), and a cut-off file as bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-feature-files-'));
  try {
    const values = new Float32Array(700 * 3).fill(1);
    values[600 * 3 + 2] = Number.POSITIVE_INFINITY;
    const file = join(dir, 'bad.npy');
    writeNpy(file, { dtype: 'float32', shape: [700, 3], data: values });
    assert.throws(
      () => statsFromRows(featureFileRows(file)!),
      /bad\.npy.*non-finite value \(Infinity\) at row 600, column 2/s,
    );
    assert.throws(() => readFeatureFile(file), /non-finite value \(Infinity\) at row 600, column 2/);

    writeNpy(file, { dtype: 'float32', shape: [4, 3], data: new Float32Array(12) });
    writeFileSync(file, readFileSync(file).subarray(0, 150));
    assert.throws(() => featureFileRows(file), /size mismatch/);
    writeNpy(file, { dtype: 'uint8', shape: [4, 3], data: new Uint8Array(12) });
    assert.throws(() => featureFileRows(file), /float32 or float64, got uint8/);
    writeNpy(file, { dtype: 'float32', shape: [12], data: new Float32Array(12) });
    assert.throws(() => featureFileRows(file), /2-D array/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("two files' moments at once (the second on a second thread) equal each file's own, with or without the thread", () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-feature-files-'));
  try {
    const rng = new Rng(9);
    for (const [name, shift] of [
      ['a.npy', 0],
      ['b.npy', 3],
    ] as const) {
      const values = Float32Array.from({ length: 900 * 6 }, (_, k) => shift + (k % 6) + rng.normal());
      writeNpy(join(dir, name), { dtype: 'float32', shape: [900, 6], data: values });
    }
    const a = join(dir, 'a.npy');
    const b = join(dir, 'b.npy');
    const expected = [featureFileStats(a), featureFileStats(b)];
    const previous = process.env.GENREPORT_THREADS;
    for (const threads of [undefined, '1']) {
      if (threads === undefined) delete process.env.GENREPORT_THREADS;
      else process.env.GENREPORT_THREADS = threads;
      const pair = featureFilePairStats(featureFileRows(a)!, { path: b, rows: featureFileRows(b)! });
      pair.forEach((stats, side) => {
        const want = expected[side]!;
        assert.equal(stats.n, 900);
        assert.deepEqual(Array.from(stats.mean), Array.from(want.mean));
        // OpenBLAS may split a product differently at one thread than at two: equal to rounding.
        for (let i = 0; i < 6; i++)
          for (let j = 0; j < 6; j++) {
            const scale = Math.sqrt(want.cov[i * 7]! * want.cov[j * 7]!);
            assert.ok(Math.abs(stats.cov[i * 6 + j]! - want.cov[i * 6 + j]!) <= 1e-13 * scale, `${side} [${i}][${j}]`);
          }
      });
    }
    if (previous === undefined) delete process.env.GENREPORT_THREADS;
    else process.env.GENREPORT_THREADS = previous;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
