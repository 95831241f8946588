/**
 * IDX files, the format MNIST ships in: two zero bytes, a dtype code, the
 * number of dimensions, then each dimension as a big-endian uint32, then the
 * values in C order, big-endian. Files may be gzipped (`.gz` downloads).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { inputError } from '../core/errors.ts';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

interface DtypeInfo {
  code: number;
  bytes: number;
  read: (view: DataView, offset: number) => number;
  write: (view: DataView, offset: number, value: number) => void;
  make: (length: number) => IdxData;
}

const DTYPES: Record<IdxDtype, DtypeInfo> = {
  uint8: {
    code: 0x08,
    bytes: 1,
    read: (v, o) => v.getUint8(o),
    write: (v, o, x) => v.setUint8(o, x),
    make: (n) => new Uint8Array(n),
  },
  int8: {
    code: 0x09,
    bytes: 1,
    read: (v, o) => v.getInt8(o),
    write: (v, o, x) => v.setInt8(o, x),
    make: (n) => new Int8Array(n),
  },
  int16: {
    code: 0x0b,
    bytes: 2,
    read: (v, o) => v.getInt16(o),
    write: (v, o, x) => v.setInt16(o, x),
    make: (n) => new Int16Array(n),
  },
  int32: {
    code: 0x0c,
    bytes: 4,
    read: (v, o) => v.getInt32(o),
    write: (v, o, x) => v.setInt32(o, x),
    make: (n) => new Int32Array(n),
  },
  float32: {
    code: 0x0d,
    bytes: 4,
    read: (v, o) => v.getFloat32(o),
    write: (v, o, x) => v.setFloat32(o, x),
    make: (n) => new Float32Array(n),
  },
  float64: {
    code: 0x0e,
    bytes: 8,
    read: (v, o) => v.getFloat64(o),
    write: (v, o, x) => v.setFloat64(o, x),
    make: (n) => new Float64Array(n),
  },
};

const GZIP_MAGIC = [0x1f, 0x8b];

export function readIdx(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw inputError(file, `cannot read IDX file: ${(err as Error).message}`);
  }
  return parseIdx(bytes, file);
}

/** Parses IDX bytes (plain or gzipped); `file` only names the source in errors. */
export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  const bytes = isGzip(raw) ? gunzip(raw, file) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw inputError(file, 'not an IDX file (magic number must start with two zero bytes)');
  }
  // At least 4 bytes, checked above.
  const [, , code, ndim] = bytes as unknown as [number, number, number, number];
  const entry = Object.entries(DTYPES).find(([, info]) => info.code === code);
  if (!entry) {
    throw inputError(file, `unknown IDX dtype code 0x${code.toString(16).padStart(2, '0')}`);
  }
  const [dtype, info] = entry as [IdxDtype, DtypeInfo];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw inputError(
      file,
      `IDX header truncated: ${ndim} dimensions need ${headerBytes} bytes, file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * info.bytes;
  if (bytes.length !== expected) {
    throw inputError(
      file,
      `IDX size mismatch: shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes, file has ${bytes.length}`,
    );
  }
  const data = info.make(count);
  if (info.bytes === 1) {
    data.set(
      dtype === 'uint8'
        ? bytes.subarray(headerBytes)
        : new Int8Array(bytes.buffer, bytes.byteOffset + headerBytes, count),
    );
  } else {
    for (let i = 0; i < count; i++) data[i] = info.read(view, headerBytes + i * info.bytes);
  }
  return { dtype, shape, data };
}

/** Writes an IDX file, gzipped when the name ends in `.gz`. */
export function writeIdx(file: string, array: IdxArray): void {
  const info = DTYPES[array.dtype];
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new Error(
      `writeIdx ${file}: shape [${array.shape.join(', ')}] needs ${count} values, got ${array.data.length}`,
    );
  }
  const headerBytes = 4 + 4 * array.shape.length;
  const bytes = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = array.shape.length;
  array.shape.forEach((dim, i) => view.setUint32(4 + 4 * i, dim));
  for (let i = 0; i < count; i++) info.write(view, headerBytes + i * info.bytes, array.data[i]!);
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(bytes) : bytes);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw inputError(file, `corrupt gzip data: ${(err as Error).message}`);
  }
}
