import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { readNpz, writeNpz } from '../../src/data/npz.ts';
import type { NdArray } from '../../src/data/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-npz-'));
const fixtures = new URL('../fixtures/data/', import.meta.url).pathname;

const arrays: Record<string, NdArray> = {
  f32: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([0.5, -2, 1e-3, 7]) },
  f64: { dtype: 'float64', shape: [1, 3], data: Float64Array.from([1 / 3, 2 / 3, 1]) },
  u8: { dtype: 'uint8', shape: [4], data: Uint8Array.from([0, 9, 99, 255]) },
};

test('npz round trip, deflated and stored, for all three dtypes', () => {
  for (const compress of [true, false]) {
    const file = join(dir, `all-${compress}.npz`);
    writeNpz(file, arrays, { compress });
    assert.deepEqual(Object.keys(unzipSync(readFileSync(file))).sort(), ['f32.npy', 'f64.npy', 'u8.npy']);
    const back = readNpz(file);
    assert.deepEqual(Object.keys(back).sort(), ['f32', 'f64', 'u8']);
    for (const [name, array] of Object.entries(arrays)) {
      assert.equal(back[name]!.dtype, array.dtype);
      assert.deepEqual(back[name]!.shape, array.shape);
      assert.deepEqual(back[name]!.data, array.data);
    }
  }
});

test('a numpy.savez_compressed archive reads back with its values', () => {
  const back = readNpz(join(fixtures, 'numpy-images.npz'));
  assert.deepEqual(back.images!.shape, [2, 3, 4]);
  assert.equal(back.images!.dtype, 'uint8');
  assert.deepEqual(
    Array.from(back.images!.data),
    Array.from({ length: 24 }, (_, i) => i * 10),
  );
  assert.deepEqual(Array.from(back.labels!.data), [7, 1]);
});

test('malformed npz archives are rejected naming the file (and the member)', () => {
  const notZip = join(dir, 'not-zip.npz');
  writeFileSync(notZip, 'hello');
  assert.throws(() => readNpz(notZip), new RegExp(`^GenreportError: ${notZip}: not a readable \\.npz`));

  const stray = join(dir, 'stray.npz');
  writeFileSync(stray, zipSync({ 'notes.txt': new TextEncoder().encode('hi') }));
  assert.throws(() => readNpz(stray), /stray\.npz: archive member 'notes\.txt' is not a \.npy file/);

  const badMember = join(dir, 'bad-member.npz');
  writeFileSync(badMember, zipSync({ 'x.npy': Uint8Array.from([1, 2, 3]) }));
  assert.throws(() => readNpz(badMember), /bad-member\.npz:x\.npy: not a \.npy file/);

  const empty = join(dir, 'empty.npz');
  writeFileSync(empty, zipSync({}));
  assert.throws(() => readNpz(empty), /empty\.npz: \.npz archive holds no arrays/);
});
