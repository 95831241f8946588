import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, readNpy, toFeatureMatrix, writeNpy, type NdArray } from '../../src/data/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-npy-'));
const fixtures = new URL('../fixtures/data/', import.meta.url).pathname;

const samples: NdArray[] = [
  { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0, -1.5, 0.25, 1e-7, 3, 1]) },
  { dtype: 'float64', shape: [3], data: Float64Array.from([Math.PI, -0, 1e-300]) },
  { dtype: 'uint8', shape: [2, 2, 2, 1], data: Uint8Array.from([0, 1, 2, 3, 128, 200, 254, 255]) },
];

test('npy round trip keeps dtype, shape and exact values for float32, float64 and uint8', () => {
  for (const array of samples) {
    const file = join(dir, `${array.dtype}.npy`);
    writeNpy(file, array);
    const back = readNpy(file);
    assert.equal(back.dtype, array.dtype);
    assert.deepEqual(back.shape, array.shape);
    assert.deepEqual(back.data, array.data);
  }
});

test('the written header is the one numpy writes: 1-tuple comma, 64-byte alignment, newline', () => {
  const bytes = encodeNpy(samples[1]!);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes[8]! | (bytes[9]! << 8);
  assert.equal(headerLength, 118);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.equal(header, `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }${' '.repeat(60)}\n`);
  assert.equal(bytes.length, 128 + 3 * 8);
});

test('a file written by numpy reads back with its values, and we write it byte for byte', () => {
  const file = join(fixtures, 'numpy-f4-2x3.npy');
  const array = readNpy(file);
  assert.equal(array.dtype, 'float32');
  assert.deepEqual(array.shape, [2, 3]);
  assert.deepEqual(Array.from(array.data), [0, 0.25, 0.5, 0.75, 1, 1.25]);
  assert.deepEqual(encodeNpy(array), new Uint8Array(readFileSync(file)));
});

test('toFeatureMatrix converts a 2-D array to float64 and rejects other ranks naming the file', () => {
  const matrix = toFeatureMatrix(samples[0]!, 'feats.npy');
  assert.equal(matrix.rows, 2);
  assert.equal(matrix.cols, 3);
  assert.ok(matrix.data instanceof Float64Array);
  assert.equal(matrix.data[3], Math.fround(1e-7));
  assert.throws(
    () => toFeatureMatrix(samples[1]!, 'feats.npy'),
    /^GenreportError: feats\.npy: features must be a 2-D array.*\(3\)/,
  );
});

/** A v1.0 .npy with the given header dict and payload, padded like numpy. */
function npyBytes(dict: string, payload: number[]): Uint8Array {
  const header = `${dict + ' '.repeat((64 - ((11 + dict.length) % 64)) % 64)}\n`;
  return Uint8Array.from([
    0x93,
    0x4e,
    0x55,
    0x4d,
    0x50,
    0x59,
    1,
    0,
    header.length & 255,
    header.length >> 8,
    ...Buffer.from(header),
    ...payload,
  ]);
}

test('malformed .npy files are rejected with one message naming the file', () => {
  const good = "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }";
  const cases: [string, Uint8Array, RegExp][] = [
    ['bad-magic.npy', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0]), /missing \\x93NUMPY magic/],
    [
      'fortran.npy',
      npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", [0, 0, 0, 0]),
      /Fortran order/,
    ],
    [
      'int64.npy',
      npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", [1, 0, 0, 0, 0, 0, 0, 0]),
      /unsupported \.npy dtype '<i8'/,
    ],
    [
      'big-endian.npy',
      npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]),
      /unsupported \.npy dtype '>f4'/,
    ],
    ['truncated-data.npy', npyBytes(good, [1]), /needs 130 bytes, file has 129/],
    ['truncated-header.npy', npyBytes(good, [1, 2]).subarray(0, 40), /header truncated/],
    ['no-shape.npy', npyBytes("{'descr': '|u1', 'fortran_order': False}", []), /malformed \.npy header/],
    ['version9.npy', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0]), /format version 9\.0/],
  ];
  for (const [name, bytes, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    assert.throws(
      () => readNpy(file),
      (err: Error) => {
        assert.equal(err.name, 'GenreportError');
        assert.ok(err.message.startsWith(`${file}: `), err.message);
        assert.match(err.message, message);
        assert.equal(err.message.split('\n').length, 1);
        return true;
      },
    );
  }
  writeFileSync(join(dir, 'ok.npy'), npyBytes(good, [1, 2]));
  assert.deepEqual(Array.from(readNpy(join(dir, 'ok.npy')).data), [1, 2], 'the helper itself builds valid files');
});
