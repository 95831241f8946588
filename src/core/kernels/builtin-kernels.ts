/** The wasm backend's own kernels that ours replaced: for the cases ours leave to them, and for benchmarks. */
import type * as tf from '@tensorflow/tfjs';

const builtins = new Map<string, tf.KernelConfig>();

export function rememberBuiltin(config: tf.KernelConfig): void {
  builtins.set(config.kernelName, config);
}

export function builtinKernel(kernelName: string): tf.KernelConfig | undefined {
  return builtins.get(kernelName);
}
