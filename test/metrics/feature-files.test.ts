import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix } from '../../src/core/types.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { readFeatureFile } from '../../src/metrics/feature-files.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';

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
