/**
 * Transpose for the wasm backend as 2-D tiled copies, where the input's
 * innermost axis moves. The builtin walks the output in order, reading the
 * input at a large stride: about 10 ns an element for the [64,16,16,64] maps
 * the filter-gradient kernel transposes, a sixth of a flow training step.
 * Pure data movement, so bit for bit the same values.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './wasm-heap.ts';
import { builtinKernel } from './builtin-kernels.ts';

export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as tf.TransposeInputs;
    const { perm } = attrs as unknown as tf.TransposeAttrs;
    if (x!.dtype === 'string') throw new Error('Transpose of strings is not supported on the wasm backend');
    const heap = backend as WasmHeap;
    const out = heap.makeOutput(
      perm.map((axis) => x!.shape[axis]!),
      x!.dtype,
    );
    if (transposeInto(heap.typedArrayFromHeap(x!), x!.shape, perm, heap.typedArrayFromHeap(out))) return out;
    (backend as tf.KernelBackend).disposeData(out.dataId);
    return builtinKernel(tf.Transpose)!.kernelFunc({ inputs, backend, attrs });
  },
};

/** Side of the square tiles the 2-D transposes are cut into, so both sides stay in cache. */
const TILE = 16;

/**
 * target = source (of `shape`) with its axes in the order `perm`, when the
 * input's innermost axis moves (a true transpose); false, writing nothing, when
 * it stays innermost: then every run is a plain copy, which the builtin does well.
 */
export function transposeInto(source: tf.TypedArray, shape: number[], perm: number[], target: tf.TypedArray): boolean {
  // Drop size-1 axes, then merge runs of axes that stay adjacent: [64,14,14,64] by [3,1,2,0] is [64,196,64] by [2,1,0].
  const live = perm.filter((axis) => shape[axis]! > 1);
  const runs: number[][] = [];
  for (const axis of live) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === axis - 1) run.push(axis);
    else runs.push([axis]);
  }
  const byInputPosition = runs.slice().sort((a, b) => a[0]! - b[0]!);
  const sizes = byInputPosition.map((run) => run.reduce((size, axis) => size * shape[axis]!, 1));
  const order = runs.map((run) => byInputPosition.indexOf(run)); // merged input axes, in output order
  const rank = sizes.length;
  if (rank < 2 || order[rank - 1] === rank - 1) return false;

  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) inStrides[a] = inStrides[a + 1]! * sizes[a + 1]!;
  const outSizes = order.map((axis) => sizes[axis]!);
  const outStrides = new Array<number>(rank);
  outStrides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) outStrides[a] = outStrides[a + 1]! * outSizes[a + 1]!;
  // Output axis `rows` is the input's innermost; output axis rank-1 (`cols`) is the output's.
  const rows = order.indexOf(rank - 1);
  const rowCount = outSizes[rows]!;
  const rowStride = outStrides[rows]!;
  const colCount = outSizes[rank - 1]!;
  const colStride = inStrides[order[rank - 1]!]!;
  // Every other output axis is looped over outside the 2-D tiles.
  const outer = outSizes.map((_, a) => a).filter((a) => a !== rows && a !== rank - 1);
  const index = new Array<number>(outer.length).fill(0);
  let inBase = 0;
  let outBase = 0;
  for (;;) {
    for (let r0 = 0; r0 < rowCount; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rowCount);
      for (let c0 = 0; c0 < colCount; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, colCount);
        for (let r = r0; r < r1; r++) {
          const o = outBase + r * rowStride;
          for (let c = c0, i = inBase + r + c0 * colStride; c < c1; c++, i += colStride) target[o + c] = source[i]!;
        }
      }
    }
    // Advance the outer axes like an odometer.
    let a = outer.length - 1;
    for (; a >= 0; a--) {
      const axis = outer[a]!;
      inBase += inStrides[order[axis]!]!;
      outBase += outStrides[axis]!;
      if (++index[a]! < outSizes[axis]!) break;
      inBase -= inStrides[order[axis]!]! * outSizes[axis]!;
      outBase -= outStrides[axis]! * outSizes[axis]!;
      index[a] = 0;
    }
    if (a < 0) return true;
  }
}
