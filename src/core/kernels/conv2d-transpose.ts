/**
 * Conv2DBackpropInput (conv2dTranspose, and the input gradient of conv2d) for
 * the wasm backend, as a single stride-1 Conv2D on dy: the builtin kernel is a
 * scalar loop, Conv2D runs on XNNPACK.
 *
 * In padded output coordinates, row hp = s·q + r (phase r < s) receives
 *   dx[hp] = Σ_j dy[q − j] · W[r + s·j],   j < J = ceil(K / s),
 * i.e. a full correlation of dy with the phase's taps, flipped. All s×s phases
 * come out of one Conv2D whose output channels are (rh, rw, ci); a transpose
 * interleaves them and a slice removes the forward padding.
 */
import * as tf from '@tensorflow/tfjs';
import { composeKernels, type RunKernel } from './compose.ts';
import { assertChannelsLast, assertUnitDilations } from './conv-attrs.ts';

/** Geometry of one spatial axis. */
interface AxisPlan {
  stride: number;
  /** Taps per phase: the sub-filter size. */
  taps: number;
  /** Rows of dy dropped before / after (when the forward padding was larger than the filter). */
  cropBefore: number;
  cropAfter: number;
  /** Zero padding of dy for the stride-1 conv. */
  padBefore: number;
  padAfter: number;
  /** Phase rows computed per phase, and where dx starts in their interleaving. */
  rows: number;
  offset: number;
}

function planAxis(stride: number, kernel: number, forwardPad: number, inSize: number, dySize: number): AxisPlan {
  const taps = Math.ceil(kernel / stride);
  const firstRow = Math.floor(forwardPad / stride);
  const rows = Math.floor((forwardPad + inSize - 1) / stride) - firstRow + 1;
  const padBefore = taps - 1 - firstRow;
  const padAfter = rows + taps - 1 - padBefore - dySize;
  return {
    stride,
    taps,
    cropBefore: Math.max(0, -padBefore),
    cropAfter: Math.max(0, -padAfter),
    padBefore: Math.max(0, padBefore),
    padAfter: Math.max(0, padAfter),
    rows,
    offset: forwardPad - stride * firstRow,
  };
}

function conv2DBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, filter } = inputs as tf.Conv2DBackpropInputInputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertChannelsLast(tf.Conv2DBackpropInput, dataFormat);
  assertUnitDilations(tf.Conv2DBackpropInput, attrs?.dilations);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter!.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: n, inHeight, inWidth, inChannels: ci, outChannels: co, filterHeight, filterWidth } = info;
  const [, dyHeight, dyWidth] = dy!.shape as number[];
  const h = planAxis(info.strideHeight, filterHeight, info.padInfo.top, inHeight, dyHeight!);
  const w = planAxis(info.strideWidth, filterWidth, info.padInfo.left, inWidth, dyWidth!);
  const phases = h.stride * w.stride;

  return composeKernels('wasm', backend, (run) => {
    const phaseFilter = toPhaseFilter(run, filter!, h, w);
    let source = dy!;
    if (h.cropBefore + h.cropAfter + w.cropBefore + w.cropAfter > 0) {
      source = run(
        'Slice',
        { x: dy! },
        {
          begin: [0, h.cropBefore, w.cropBefore, 0],
          size: [n, dyHeight! - h.cropBefore - h.cropAfter, dyWidth! - w.cropBefore - w.cropAfter, co],
        },
      );
    }
    const phaseOut = run(
      'Conv2D',
      { x: source, filter: phaseFilter },
      {
        strides: 1,
        pad: [
          [0, 0],
          [h.padBefore, h.padAfter],
          [w.padBefore, w.padAfter],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: 1,
      },
    );

    // Reshape + Transpose, not DepthToSpace: the wasm DepthToSpace is ~10x slower.
    let interleaved = phaseOut;
    if (phases > 1) {
      const split = run('Reshape', { x: phaseOut }, { shape: [n, h.rows, w.rows, h.stride, w.stride, ci] });
      const rowMajor = run('Transpose', { x: split }, { perm: [0, 1, 3, 2, 4, 5] });
      interleaved = run('Reshape', { x: rowMajor }, { shape: [n, h.rows * h.stride, w.rows * w.stride, ci] });
    }
    const [, fullHeight, fullWidth] = interleaved.shape;
    if (h.offset === 0 && w.offset === 0 && fullHeight === inHeight && fullWidth === inWidth) return interleaved;
    return run('Slice', { x: interleaved }, { begin: [0, h.offset, w.offset, 0], size: [n, inHeight, inWidth, ci] });
  });
}

/**
 * Filter [KH,KW,Ci,Co] -> [JH,JW,Co, sh·sw·Ci]: taps split by phase, flipped.
 * Every step stays at rank ≤ 5 after merging adjacent axes, and the flip is
 * slices + concat: the wasm Reverse and higher-rank Transpose are ~100x slower.
 */
function toPhaseFilter(run: RunKernel, filter: tf.TensorInfo, h: AxisPlan, w: AxisPlan): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const taps = h.taps * w.taps;
  const transposed = run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
  const padded = run(
    'PadV2',
    { x: transposed },
    {
      paddings: [
        [0, h.taps * h.stride - kh],
        [0, w.taps * w.stride - kw],
        [0, 0],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const byPhase = run('Reshape', { x: padded }, { shape: [h.taps, h.stride, w.taps, w.stride, co * ci] });
  const tapMajor = run('Transpose', { x: byPhase }, { perm: [0, 2, 1, 3, 4] });
  const rows = run('Reshape', { x: tapMajor }, { shape: [taps, h.stride * w.stride * co * ci] });
  // Reversing the flattened (jh, jw) axis flips both spatial axes at once.
  let flipped = rows;
  if (taps > 1) {
    const tapRows = [];
    for (let t = taps - 1; t >= 0; t--) tapRows.push(run('Slice', { x: rows }, { begin: [t, 0], size: [1, -1] }));
    flipped = run('Concat', tapRows, { axis: 0 });
  }
  const split = run('Reshape', { x: flipped }, { shape: [taps, h.stride * w.stride, co, ci] });
  const outputMajor = run('Transpose', { x: split }, { perm: [0, 2, 1, 3] });
  return run('Reshape', { x: outputMajor }, { shape: [h.taps, w.taps, co, h.stride * w.stride * ci] });
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
