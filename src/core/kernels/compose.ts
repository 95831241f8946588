/**
 * Composing a kernel from other kernels of the same backend without leaks.
 * Kernels are called through the registry (not through tf ops) so no tensors
 * are tracked by the engine; every intermediate is disposed here by hand.
 */
import * as tf from '@tensorflow/tfjs';

type Inputs = Record<string, tf.TensorInfo> | tf.TensorInfo[];

/** Runs a named kernel of this backend and returns its single output. */
export type RunKernel = (name: string, inputs: Inputs, attrs?: tf.NamedAttrMap) => tf.TensorInfo;

/**
 * Calls `build` with a `run` function bound to `backend`, then disposes every
 * intermediate `run` produced except the returned one (all of them on error).
 */
export function composeKernels(
  backendName: string,
  // Typed as kernelFunc receives it.
  backend: object,
  build: (run: RunKernel) => tf.TensorInfo,
): tf.TensorInfo {
  const kernelBackend = backend as tf.KernelBackend;
  const made: tf.TensorInfo[] = [];
  const run: RunKernel = (name, inputs, attrs = {}) => {
    const kernel = tf.getKernel(name, backendName);
    if (!kernel) throw new Error(`kernel ${name} is not registered for backend '${backendName}'`);
    // Kernels taking a list (Pack, Concat) receive it as the inputs object itself.
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
    const info = Array.isArray(out) ? out[0] : out;
    if (!info) throw new Error(`kernel ${name} gave no output on backend '${backendName}'`);
    made.push(info);
    return info;
  };
  let result: tf.TensorInfo | null = null;
  try {
    result = build(run);
    return result;
  } finally {
    // Views (Reshape) share a refcounted dataId, so disposing the source is safe.
    for (const info of made) if (info !== result) kernelBackend.disposeData(info.dataId);
  }
}
