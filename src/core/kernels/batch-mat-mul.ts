/**
 * BatchMatMul for the wasm backend where the builtin leaves XNNPACK: a
 * transposed operand (every dense layer's gradients) or a batch of more than
 * one. It then runs a scalar loop, about 0.5 GFLOP/s on the VAE's dense
 * gradients (40% of its training step), which sums the shared axis in blocks
 * of 48 and adds the blocks up in order:
 *   out[i,j] = (…((0 + Σ_{k<48}) + Σ_{48≤k<96}) + …)
 * Each block's sums form a plain matrix product over 48 columns, which
 * XNNPACK's matmul computes in the same order. So we hand it the blocks,
 * contiguous and untransposed, and add them up in the same order: bit for bit
 * the builtin's values (see the kernel tests), 5-20x sooner.
 */
import * as tf from '@tensorflow/tfjs';
import { builtinKernel } from './builtin-kernels.ts';
import { transposeInto } from './transpose.ts';
import type { WasmHeap } from './wasm-heap.ts';

/** The builtin's block along the shared axis (kBlockSize in batch_mat_mul_impl.cc). */
const BLOCK = 48;

/**
 * Each block costs us about 0.3 ms in calls and copies, the builtin about
 * 80 ns per output; below this many outputs the builtin's loop is sooner.
 */
const MIN_OUTPUTS = 4096;

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as tf.BatchMatMulInputs;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const builtin = builtinKernel(tf.BatchMatMul)!;
    const batchShape = a!.shape.slice(0, -2);
    const batch = batchShape.reduce((size, d) => size * d, 1);
    const k = a!.shape.at(transposeA ? -2 : -1)!;
    // Left to the builtin: its XNNPACK case, broadcast batches, mismatches (its errors) and other dtypes.
    if (
      (!transposeA && !transposeB && batch === 1) ||
      a!.dtype !== 'float32' ||
      b!.dtype !== 'float32' ||
      a!.shape.length !== b!.shape.length ||
      batchShape.some((d, i) => d !== b!.shape[i]) ||
      b!.shape.at(transposeB ? -1 : -2) !== k
    ) {
      return builtin.kernelFunc(args);
    }
    const m = a!.shape.at(transposeA ? -1 : -2)!;
    const n = b!.shape.at(transposeB ? -2 : -1)!;
    if (m * n < MIN_OUTPUTS || k === 0) return builtin.kernelFunc(args);
    const heap = backend as WasmHeap;
    const kernelBackend = backend as tf.KernelBackend;
    const view = (info: tf.TensorInfo) => heap.typedArrayFromHeap(info) as Float32Array;
    const add = tf.getKernel(tf.Add, 'wasm')!;
    const sums: tf.TensorInfo[] = [];
    for (let i = 0; i < batch; i++) {
      // Starts from +0, as the builtin's sums do (so a block sum of -0 comes out +0 there too).
      let sum = heap.makeOutput([1, m, n], 'float32');
      view(sum).fill(0);
      for (let k0 = 0; k0 < k; k0 += BLOCK) {
        const kb = Math.min(BLOCK, k - k0);
        const blockA = heap.makeOutput([1, m, kb], 'float32');
        const blockB = heap.makeOutput([1, kb, n], 'float32');
        // Views are taken after each allocation: growing the heap detaches the old ones.
        copyBlock(view(a!).subarray(i * m * k, (i + 1) * m * k), transposeA, m, k, k0, kb, false, view(blockA));
        copyBlock(view(b!).subarray(i * k * n, (i + 1) * k * n), !transposeB, n, k, k0, kb, true, view(blockB));
        const product = builtin.kernelFunc({
          inputs: { a: blockA, b: blockB },
          backend,
          attrs: { transposeA: false, transposeB: false },
        }) as tf.TensorInfo;
        const next = add.kernelFunc({ inputs: { a: sum, b: product }, backend, attrs: {} }) as tf.TensorInfo;
        for (const info of [blockA, blockB, product, sum]) kernelBackend.disposeData(info.dataId);
        sum = next;
      }
      sums.push(sum);
    }
    if (batch === 1) {
      sums[0]!.shape = [...batchShape, m, n];
      return sums[0]!;
    }
    const out = heap.makeOutput([...batchShape, m, n], 'float32');
    sums.forEach((sum, i) => {
      view(out).set(view(sum), i * m * n);
      kernelBackend.disposeData(sum.dataId);
    });
    return out;
  },
};

/**
 * Columns k0..k0+kb along the shared axis (of size k) of a matrix whose other
 * axis has `outer` entries, stored [k, outer] (`kFirst`) or [outer, k], written
 * contiguously as [kb, outer] (`toKFirst`) or [outer, kb].
 */
function copyBlock(
  source: Float32Array,
  kFirst: boolean,
  outer: number,
  k: number,
  k0: number,
  kb: number,
  toKFirst: boolean,
  target: Float32Array,
): void {
  if (kFirst) {
    const rows = source.subarray(k0 * outer, (k0 + kb) * outer);
    // transposeInto declines (writing nothing) when the transpose is a plain copy: one row or one column.
    if (toKFirst || !transposeInto(rows, [kb, outer], [1, 0], target)) target.set(rows);
    return;
  }
  const segments = toKFirst ? new Float32Array(outer * kb) : target;
  for (let r = 0; r < outer; r++) segments.set(source.subarray(r * k + k0, r * k + k0 + kb), r * kb);
  if (toKFirst && !transposeInto(segments, [outer, kb], [1, 0], target)) target.set(segments);
}
