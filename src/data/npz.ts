/**
 * NumPy `.npz` archives: a zip of `.npy` members, stored (`numpy.savez`) or
 * deflated (`numpy.savez_compressed`). Member names lose their `.npy` suffix,
 * as in numpy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { inputError } from '../core/errors.ts';
import { encodeNpy, parseNpy, type NdArray } from './npy.ts';

export function readNpz(file: string): Record<string, NdArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(readFileSync(file));
  } catch (err) {
    throw inputError(file, `not a readable .npz (zip) archive: ${(err as Error).message}`);
  }
  const arrays: Record<string, NdArray> = {};
  for (const [name, bytes] of Object.entries(members)) {
    if (!name.endsWith('.npy')) {
      throw inputError(file, `archive member '${name}' is not a .npy file`);
    }
    arrays[name.slice(0, -'.npy'.length)] = parseNpy(bytes, `${file}:${name}`);
  }
  if (Object.keys(arrays).length === 0) {
    throw inputError(file, '.npz archive holds no arrays');
  }
  return arrays;
}

/** Writes an archive; `compress` deflates members like `numpy.savez_compressed`. */
export function writeNpz(file: string, arrays: Record<string, NdArray>, { compress = true } = {}): void {
  const members: Zippable = {};
  for (const [name, array] of Object.entries(arrays)) members[`${name}.npy`] = encodeNpy(array);
  writeFileSync(file, zipSync(members, { level: compress ? 6 : 0 }));
}
