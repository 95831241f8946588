/**
 * Conv2DBackpropFilter for the wasm backend, which has none (so training any
 * conv layer throws there).
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} xPadded[n, kh + s·oh, kw + s·ow, ci] · dy[n,oh,ow,co]
 * is itself a convolution: of the input channels taken as images ([Ci, H, W, N])
 * with dy as the filter ([OH, OW, N, Co]) dilated by the stride. One XNNPACK
 * Conv2D plus three transposes; an im2col from (strided) slices and a matmul
 * was 10-100x slower, the wasm Slice and StridedSlice being JS loops.
 * A 1×1 convolution at stride 1 without padding is a plain product,
 * dW = Xᵀ·dY over all N·H·W positions: one transpose and one matmul, 3-4x
 * faster than the convolution route (the 1×1 convs inside flow couplings and
 * PixelCNN blocks).
 */
import * as tf from '@tensorflow/tfjs';
import { composeKernels, type RunKernel } from './compose.ts';
import { assertUnitDilations, assertChannelsLast } from './conv-attrs.ts';

function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as tf.Conv2DBackpropFilterInputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertChannelsLast(tf.Conv2DBackpropFilter, dataFormat);
  assertUnitDilations(tf.Conv2DBackpropFilter, attrs?.dilations);
  const info = tf.backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  // Only rows k + s·o (k < KH, o < OH) of the padded input are read.
  const readHeight = kh + sh * (oh - 1);
  const readWidth = kw + sw * (ow - 1);
  const { top, bottom, left, right } = info.padInfo;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && top + bottom + left + right === 0)
    return pointwiseFilterGradient(backend, x!, dy!);

  return composeKernels('wasm', backend, (run) => {
    const fitted = fitInput(run, x!, info.padInfo.top, readHeight, info.padInfo.left, readWidth);
    const images = run('Transpose', { x: fitted }, { perm: [3, 1, 2, 0] });
    const kernel = run('Transpose', { x: dy! }, { perm: [1, 2, 0, 3] });
    const perChannel = run(
      'Conv2D',
      { x: images, filter: kernel },
      {
        strides: 1,
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [sh, sw],
      },
    );
    return run('Transpose', { x: perChannel }, { perm: [1, 2, 0, 3] });
  });
}

/** dW [1, 1, Ci, Co] = Xᵀ [Ci, P] · dY [P, Co], P = N·H·W. */
function pointwiseFilterGradient(backend: object, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const ci = x.shape[3]!;
  const co = dy.shape[3]!;
  const positions = x.shape[0]! * x.shape[1]! * x.shape[2]!;
  return composeKernels('wasm', backend, (run) => {
    const xt = run('Transpose', { x: run('Reshape', { x }, { shape: [1, positions, ci] }) }, { perm: [0, 2, 1] });
    const product = run(
      'BatchMatMul',
      { a: xt, b: run('Reshape', { x: dy }, { shape: [1, positions, co] }) },
      { transposeA: false, transposeB: false },
    );
    return run('Reshape', { x: product }, { shape: [1, 1, ci, co] });
  });
}

/**
 * x with `top` zero rows added (or, if negative, removed) above and cut or
 * zero-padded below to `height`; the same for columns.
 */
function fitInput(
  run: RunKernel,
  x: tf.TensorInfo,
  top: number,
  height: number,
  left: number,
  width: number,
): tf.TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const keepTop = Math.max(0, -top);
  const keepLeft = Math.max(0, -left);
  const keptHeight = Math.min(h - keepTop, height - Math.max(0, top));
  const keptWidth = Math.min(w - keepLeft, width - Math.max(0, left));
  const kept =
    keptHeight === h && keptWidth === w
      ? x
      : run('Slice', { x }, { begin: [0, keepTop, keepLeft, 0], size: [n, keptHeight, keptWidth, c] });
  const padTop = Math.max(0, top);
  const padLeft = Math.max(0, left);
  const padBottom = height - padTop - keptHeight;
  const padRight = width - padLeft - keptWidth;
  if (padTop + padBottom + padLeft + padRight === 0) return kept;
  return run(
    'PadV2',
    { x: kept },
    {
      paddings: [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
