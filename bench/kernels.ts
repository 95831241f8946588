/**
 * Times our wasm kernels against the builtin wasm ones (where there is one)
 * on DCGAN-, flow- and PixelCNN-sized MNIST shapes, batch 64. Switches tfjs to the wasm backend.
 * Kernels are called directly (synchronous on wasm), so wall time is kernel time.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, replacedWasmKernel } from '../src/core/kernels/index.ts';
import { batchMatMulConfig } from '../src/core/kernels/batch-mat-mul.ts';
import { conv2DBackpropFilterConfig } from '../src/core/kernels/conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from '../src/core/kernels/conv2d-transpose.ts';
import { sumConfig } from '../src/core/kernels/sum.ts';
import { tileConfig } from '../src/core/kernels/tile.ts';
import { transposeConfig } from '../src/core/kernels/transpose.ts';

export interface KernelTiming {
  name: string;
  oursMs: number;
  builtinMs: number | null;
}

type Shape4 = [number, number, number, number];

interface Case {
  name: string;
  kernel: tf.KernelConfig;
  inputs: Record<string, number[]>;
  attrs: tf.NamedAttrMap;
}

const BATCH = 64;

/** Transposed convs of a DCGAN generator; filter gradients of its discriminator and generator. */
const CASES: Case[] = [
  transposeCase([BATCH, 7, 7, 64], [BATCH, 14, 14, 32], 4),
  transposeCase([BATCH, 7, 7, 64], [BATCH, 14, 14, 32], 5),
  transposeCase([BATCH, 14, 14, 32], [BATCH, 28, 28, 1], 4),
  transposeCase([BATCH, 14, 14, 32], [BATCH, 28, 28, 1], 5),
  filterCase([BATCH, 28, 28, 1], [BATCH, 14, 14, 64], 5),
  filterCase([BATCH, 14, 14, 64], [BATCH, 7, 7, 128], 5),
  filterCase([BATCH, 14, 14, 32], [BATCH, 7, 7, 64], 4),
  filterCase([BATCH, 28, 28, 1], [BATCH, 14, 14, 32], 4),
  // Dense-layer gradients (transposed operands): the VAE encoder's 3136 -> 512 and the DCGAN generator's 100 -> 3136.
  {
    name: 'BatchMatMul [64,3136]ᵀ·[64,512] (a dense weight gradient)',
    kernel: batchMatMulConfig,
    inputs: { a: [BATCH, 3136], b: [BATCH, 512] },
    attrs: { transposeA: true, transposeB: false },
  },
  {
    name: 'BatchMatMul [64,512]·[3136,512]ᵀ (its input gradient)',
    kernel: batchMatMulConfig,
    inputs: { a: [BATCH, 512], b: [3136, 512] },
    attrs: { transposeA: false, transposeB: true },
  },
  {
    name: "BatchMatMul [64,100]ᵀ·[64,3136] (the generator's dense weight gradient)",
    kernel: batchMatMulConfig,
    inputs: { a: [BATCH, 100], b: [BATCH, 3136] },
    attrs: { transposeA: true, transposeB: false },
  },
  // Data movement in flow, PixelCNN and DCGAN training steps (the builtins' values, bit for bit).
  // Identity is left out: ours copies nothing.
  {
    name: "Transpose [64,16,16,64] by [3,1,2,0] (a filter gradient's input)",
    kernel: transposeConfig,
    inputs: { x: [BATCH, 16, 16, 64] },
    attrs: { perm: [3, 1, 2, 0] },
  },
  {
    name: 'Sum [64,14,14,64] over [0,1,2] (a bias gradient)',
    kernel: sumConfig,
    inputs: { x: [BATCH, 14, 14, 64] },
    attrs: { axis: [0, 1, 2], keepDims: false },
  },
  {
    name: 'Tile [1,1,1,32] by [64,14,14,1] (a batch-norm gradient)',
    kernel: tileConfig,
    inputs: { x: [1, 1, 1, 32] },
    attrs: { reps: [BATCH, 14, 14, 1] },
  },
];

function transposeCase(dy: Shape4, dx: Shape4, k: number): Case {
  return {
    name: `Conv2DBackpropInput dy[${dy}] -> [${dx}] k${k} s2 same`,
    kernel: conv2DBackpropInputConfig,
    inputs: { dy, filter: [k, k, dx[3], dy[3]] },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: dx },
  };
}

function filterCase(x: Shape4, dy: Shape4, k: number): Case {
  return {
    name: `Conv2DBackpropFilter x[${x}] dy[${dy}] k${k} s2 same`,
    kernel: conv2DBackpropFilterConfig,
    inputs: { x, dy },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, x[3], dy[3]] },
  };
}

/** Median wall time of `repeats` calls, after warm-up calls (ours in JS need a few to be compiled). */
function timeKernel(
  kernel: tf.KernelConfig,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
  repeats: number,
): number {
  const backend = tf.backend();
  const times: number[] = [];
  const warmUp = 5;
  for (let i = 0; i < warmUp + repeats; i++) {
    const start = performance.now();
    const out = kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
    const elapsed = performance.now() - start;
    backend.disposeData(out.dataId);
    if (i >= warmUp) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchKernels(repeats = 5): Promise<KernelTiming[]> {
  if (!(await tf.setBackend('wasm'))) throw new Error('benchKernels: the wasm backend did not start');
  await tf.ready();
  registerWasmKernels();
  const results: KernelTiming[] = [];
  for (const c of CASES) {
    const tensors = Object.fromEntries(
      Object.entries(c.inputs).map(([key, shape], i) => [key, tf.randomNormal(shape, 0, 1, 'float32', i + 1)]),
    );
    const builtin = replacedWasmKernel(c.kernel.kernelName);
    results.push({
      name: c.name,
      oursMs: timeKernel(c.kernel, tensors, c.attrs, repeats),
      builtinMs: builtin ? timeKernel(builtin, tensors, c.attrs, repeats) : null,
    });
    tf.dispose(Object.values(tensors));
  }
  return results;
}
