/**
 * Kernels the WebAssembly backend lacks (Conv2DBackpropFilter) or runs slowly
 * (Conv2DBackpropInput), built from kernels it has. Registered once, right
 * after the wasm backend is chosen and ready.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './conv2d-transpose.ts';

const OURS: tf.KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

/** The wasm backend's own kernels that ours replaced, kept for benchmarks. */
const replaced = new Map<string, tf.KernelConfig>();

/** Registers our kernels for 'wasm'; calling it again changes nothing. */
export function registerWasmKernels(): void {
  for (const config of OURS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing) {
      replaced.set(config.kernelName, existing);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}

/** The builtin wasm kernel that `kernelName` replaced, if there was one. */
export function replacedWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return replaced.get(kernelName);
}
