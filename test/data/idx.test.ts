import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx, writeIdx } from '../../src/data/idx.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-idx-'));

test('a hand-built uint8 IDX file is read with its shape and values', () => {
  const file = join(dir, 'hand.idx');
  // magic 0x00000803, dims 2 × 2 × 3, then 12 bytes
  const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3];
  const values = Array.from({ length: 12 }, (_, i) => i * 20);
  writeFileSync(file, Uint8Array.from([...header, ...values]));
  const array = readIdx(file);
  assert.equal(array.dtype, 'uint8');
  assert.deepEqual(array.shape, [2, 2, 3]);
  assert.deepEqual(Array.from(array.data), values);
});

test('IDX round trip for every dtype, plain and gzipped, big-endian on disk', () => {
  const cases = [
    { dtype: 'uint8', data: Uint8Array.from([0, 1, 255, 7]) },
    { dtype: 'int8', data: Int8Array.from([-128, -1, 0, 127]) },
    { dtype: 'int16', data: Int16Array.from([-300, 2, 0x0102, 32767]) },
    { dtype: 'int32', data: Int32Array.from([-70000, 1, 2, 0x01020304]) },
    { dtype: 'float32', data: Float32Array.from([-1.5, 0, 0.25, 3e8]) },
    { dtype: 'float64', data: Float64Array.from([Math.PI, -0, 1e-300, 2]) },
  ] as const;
  for (const { dtype, data } of cases) {
    for (const name of [`${dtype}.idx`, `${dtype}.idx.gz`]) {
      const file = join(dir, name);
      writeIdx(file, { dtype, shape: [2, 2], data });
      const back = readIdx(file);
      assert.equal(back.dtype, dtype, name);
      assert.deepEqual(back.shape, [2, 2], name);
      assert.deepEqual(Array.from(back.data), Array.from(data), name);
    }
  }
  const int16 = readFileSync(join(dir, 'int16.idx'));
  assert.deepEqual([...int16.subarray(12 + 4, 12 + 6)], [0x01, 0x02], 'int16 stored big-endian');
});

test('gzip is detected by content, not by file name', () => {
  const file = join(dir, 'sneaky.idx');
  writeFileSync(file, gzipSync(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 9, 8])));
  assert.deepEqual(Array.from(readIdx(file).data), [9, 8]);
});

test('malformed IDX files are rejected with a message naming the file', () => {
  const cases: [string, number[], RegExp][] = [
    ['bad-magic.idx', [1, 2, 8, 1, 0, 0, 0, 1, 5], /magic/],
    ['bad-dtype.idx', [0, 0, 0x42, 1, 0, 0, 0, 1, 5], /dtype code 0x42/],
    ['short-header.idx', [0, 0, 8, 3, 0, 0, 0, 2], /header truncated/],
    ['truncated.idx', [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3], /needs 16 bytes, file has 15/],
    ['trailing.idx', [0, 0, 8, 1, 0, 0, 0, 1, 5, 6], /size mismatch/],
  ];
  for (const [name, bytes, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, Uint8Array.from(bytes));
    assert.throws(
      () => readIdx(file),
      (err: Error) => {
        assert.ok(err.message.startsWith(file), `${name}: ${err.message}`);
        assert.match(err.message, message);
        return true;
      },
    );
  }
  const corrupt = join(dir, 'corrupt.idx.gz');
  writeFileSync(corrupt, Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
  assert.throws(() => readIdx(corrupt), /corrupt\.idx\.gz: corrupt gzip data/);
  assert.throws(() => readIdx(join(dir, 'missing.idx')), /missing\.idx: cannot read IDX file/);
});
