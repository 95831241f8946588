/**
 * Sum over leading axes (a bias gradient: a batch of feature maps summed to
 * one value per channel) for the wasm backend, without the transpose the
 * builtin makes first: that transpose was most of the builtin's time, and Sum
 * 9-13% of a flow or PixelCNN training step. Each output adds its inputs in
 * the builtin's order (the reduced positions in row-major order, one float32
 * add at a time), so the sums are bit for bit the builtin's. Other reductions,
 * dtypes other than float32 and outputs of under 8 values go to the builtin.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './wasm-heap.ts';
import { builtinKernel } from './builtin-kernels.ts';

export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as tf.SumInputs;
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const shape = x!.shape;
    const axes = tf.util.parseAxisParam(axis, shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < shape.length && axes.every((a, i) => a === i);
    const kept = shape.slice(axes.length);
    // Below 8 values a row the builtin's transpose is cheap and its loop faster.
    if (!leading || x!.dtype !== 'float32' || tf.util.sizeFromShape(kept) < 8)
      return builtinKernel(tf.Sum)!.kernelFunc({ inputs, backend, attrs });
    const heap = backend as WasmHeap;
    const out = heap.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    sumLeading(heap.typedArrayFromHeap(x!) as Float32Array, heap.typedArrayFromHeap(out) as Float32Array);
    return out;
  },
};

/** target[c] = Σ_j source[j·C + c], C = target.length, added in order of j. */
export function sumLeading(source: Float32Array, target: Float32Array): void {
  const channels = target.length;
  target.fill(0);
  // Float32Array stores round every partial sum to float32, as the builtin's float accumulator does.
  for (let start = 0; start < source.length; start += channels) {
    for (let c = 0; c < channels; c++) target[c]! += source[start + c]!;
  }
}
