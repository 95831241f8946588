/**
 * NumPy `.npy` files: the magic `\x93NUMPY`, a version, a little-endian
 * header length, a Python-dict header (`descr`, `fortran_order`, `shape`),
 * then raw C-order values. We support exactly the dtypes images and features
 * come in (float32, float64, uint8), little-endian, so that anything else
 * fails with a message instead of being silently misread.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { inputError } from '../core/errors.ts';
import { dims } from '../core/indexed.ts';
import { featureMatrix, type FeatureMatrix } from '../core/types.ts';

export type NpyDtype = 'float32' | 'float64' | 'uint8';

export interface NdArray {
  dtype: NpyDtype;
  shape: number[];
  data: Float32Array | Float64Array | Uint8Array;
}

const MAGIC = [0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0))];

const DESCR_TO_DTYPE: Record<string, NpyDtype> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '>u1': 'uint8',
};

const DTYPE_TO_DESCR: Record<NpyDtype, string> = { float32: '<f4', float64: '<f8', uint8: '|u1' };

const BYTES: Record<NpyDtype, number> = { float32: 4, float64: 8, uint8: 1 };

export function readNpy(file: string): NdArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw inputError(file, `cannot read .npy file: ${(err as Error).message}`);
  }
  return parseNpy(bytes, file);
}

export function writeNpy(file: string, array: NdArray): void {
  writeFileSync(file, encodeNpy(array));
}

/** Where a `.npy` file's values are: dtype, shape and the byte offset of the first value. */
export interface NpyLayout {
  dtype: NpyDtype;
  shape: number[];
  dataStart: number;
}

/**
 * Checks magic, version, header and size of `.npy` bytes (`head` holds at
 * least the header; `totalLength` is the whole file's length).
 */
function parseLayout(head: Uint8Array, totalLength: number, file: string): NpyLayout {
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) {
    throw inputError(file, 'not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (head.length < 12) throw inputError(file, '.npy header truncated');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw inputError(file, `unsupported .npy format version ${major}.${head[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (totalLength < dataStart || head.length < dataStart) {
    throw inputError(file, `.npy header truncated: needs ${dataStart} bytes, file has ${totalLength}`);
  }
  const header = new TextDecoder().decode(head.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header, file);

  const count = shape.reduce((a, b) => a * b, 1);
  const expected = dataStart + count * BYTES[dtype];
  if (totalLength !== expected) {
    throw inputError(
      file,
      `.npy size mismatch: shape (${shape.join(', ')}) of ${dtype} needs ${expected} bytes, file has ${totalLength}`,
    );
  }
  return { dtype, shape, dataStart };
}

/**
 * The layout of a `.npy` file from its header alone, checked as readNpy checks
 * it, for readers that stream the values instead of holding them all.
 */
export function readNpyLayout(file: string): NpyLayout {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw inputError(file, `cannot read .npy file: ${(err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 12));
    readSync(fd, head, 0, head.length, 0);
    // The header's length: 2 bytes at 8 (version 1) or 4 (versions 2, 3); parseLayout checks the rest.
    const view = new DataView(head.buffer);
    const headerEnd =
      head.length < 12 ? head.length : head[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
    const whole = new Uint8Array(Math.min(size, headerEnd));
    readSync(fd, whole, 0, whole.length, 0);
    return parseLayout(whole, size, file);
  } finally {
    closeSync(fd);
  }
}

/** Parses `.npy` bytes; `file` names the source in errors (for npz: `archive.npz:member.npy`). */
export function parseNpy(bytes: Uint8Array, file: string): NdArray {
  const { dtype, shape, dataStart } = parseLayout(bytes, bytes.length, file);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = dataStart + count * BYTES[dtype];
  // Assumes a little-endian host, as every supported one is. Where `bytes` owns its whole buffer
  // (a file read by readNpy) and the data is aligned (numpy pads headers to 64 bytes), the array is
  // a view: no copy of what may be hundreds of MB. Otherwise (a slice of Node's shared pool, an npz
  // member) it is copied so that it is aligned and owns its memory.
  const offset = bytes.byteOffset + dataStart;
  const ownsBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (ownsBuffer && offset % BYTES[dtype] === 0) {
    const buffer = bytes.buffer as ArrayBuffer;
    const data =
      dtype === 'float32'
        ? new Float32Array(buffer, offset, count)
        : dtype === 'float64'
          ? new Float64Array(buffer, offset, count)
          : new Uint8Array(buffer, offset, count);
    return { dtype, shape, data };
  }
  const raw = new Uint8Array(bytes.subarray(dataStart, expected)).buffer;
  const data =
    dtype === 'float32' ? new Float32Array(raw) : dtype === 'float64' ? new Float64Array(raw) : new Uint8Array(raw);
  return { dtype, shape, data };
}

function parseHeader(header: string, file: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw inputError(file, `malformed .npy header: ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') {
    throw inputError(
      file,
      '.npy array is in Fortran order; save it in C order (numpy.ascontiguousarray) and try again',
    );
  }
  const dtype = DESCR_TO_DTYPE[descr];
  if (!dtype) {
    throw inputError(file, `unsupported .npy dtype '${descr}'; use float32 (<f4), float64 (<f8) or uint8 (|u1)`);
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (dims.some((d) => !/^\d+$/.test(d))) {
    throw inputError(file, `malformed .npy shape (${shapeText})`);
  }
  return { dtype, shape: dims.map(Number) };
}

/** Encodes as format version 1.0, padding the header to 64 bytes like numpy does. */
export function encodeNpy(array: NdArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new Error(`encodeNpy: shape (${array.shape.join(', ')}) needs ${count} values, got ${array.data.length}`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${DTYPE_TO_DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = `${dict + ' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + headerBytes.length + array.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + headerBytes.length);
  return out;
}

/** A 2-D array as float64 features (rows = samples); `file` names the source in errors. */
export function toFeatureMatrix(array: NdArray, file: string): FeatureMatrix {
  if (array.shape.length !== 2) {
    throw inputError(file, `features must be a 2-D array (samples × features), got shape (${array.shape.join(', ')})`);
  }
  const [rows, cols] = dims(array.shape, 2, file);
  return featureMatrix(rows, cols, Float64Array.from(array.data));
}
