/**
 * Kernels the WebAssembly backend lacks (Conv2DBackpropFilter) or runs slowly:
 * Conv2DBackpropInput, built from kernels it has; BatchMatMul with a
 * transposed operand or a batch, in XNNPACK blocks summed as the builtin sums
 * them; Identity, Tile, Transpose and Sum over leading axes, whose data
 * movement we do in fewer or cheaper copies. All but the first two give bit
 * for bit the builtins' results. Registered once, right after the wasm
 * backend is chosen and ready.
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMulConfig } from './batch-mat-mul.ts';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './conv2d-transpose.ts';
import { builtinKernel, rememberBuiltin } from './builtin-kernels.ts';
import { identityConfig } from './identity.ts';
import { sumConfig } from './sum.ts';
import { tileConfig } from './tile.ts';
import { transposeConfig } from './transpose.ts';

const OURS: tf.KernelConfig[] = [
  batchMatMulConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  identityConfig,
  tileConfig,
  transposeConfig,
  sumConfig,
];

/** Registers our kernels for 'wasm'; calling it again changes nothing. */
export function registerWasmKernels(): void {
  for (const config of OURS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing) {
      rememberBuiltin(existing);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}

/** The builtin wasm kernel that `kernelName` replaced, if there was one. */
export function replacedWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return builtinKernel(kernelName);
}
