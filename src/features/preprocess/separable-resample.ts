/**
 * The loop the weighted resize modes share (bilinear, bicubic-pil; nearest is
 * a plain gather and has its own). Each is separable: a pass along x
 * makes each output pixel of a row a weighted sum of that row's input
 * pixels (stored as float32), and a pass along y does the same down the
 * columns of the result. A mode is then its taps (which input pixels, with
 * which weights, make each output pixel along one axis) and how its sums
 * round. Images are HWC.
 */

/** Along one axis, output pixel d sums count[d] input pixels index[d·stride + t], each times weight[d·stride + t]. */
export interface AxisTaps {
  count: Int32Array;
  index: Int32Array;
  weight: Float64Array;
  stride: number;
}

export function axisTaps(outSize: number, stride: number): AxisTaps {
  return {
    count: new Int32Array(outSize),
    index: new Int32Array(outSize * stride),
    weight: new Float64Array(outSize * stride),
    stride,
  };
}

/**
 * How a sum rounds: 'float32' rounds every product and partial sum to
 * float32, as torch's CPU kernels do for float tensors; 'double' sums in
 * double and rounds only the stored result, as PIL's 32-bit float path does.
 */
export type Rounding = 'float32' | 'double';

const f = Math.fround;

/**
 * One axis resampled; `lines` is the size of the other axis, which the pass
 * leaves alone. Lines that `only` marks 0 are left at 0 (no later pass reads them).
 */
export function resampleAxis(
  src: Float32Array,
  c: number,
  inSize: number,
  along: 'x' | 'y',
  lines: number,
  taps: AxisTaps,
  rounding: Rounding,
  only?: Uint8Array,
): Float32Array {
  const outSize = taps.count.length;
  const out = new Float32Array(outSize * lines * c);
  const byRow = along === 'x';
  // HWC offsets: along x a line is a row and neighbours are c apart; along y a line is a column and neighbours a row apart.
  const lineStep = byRow ? inSize * c : c;
  const outLineStep = byRow ? outSize * c : c;
  const tapStep = byRow ? c : lines * c;
  const inFloat32 = rounding === 'float32';
  const { count, index, weight, stride } = taps;
  // Rows outermost on either axis, so that reads and writes run along memory.
  for (let i = 0, outer = byRow ? lines : outSize; i < outer; i++) {
    for (let j = 0, inner = byRow ? outSize : lines; j < inner; j++) {
      const line = byRow ? i : j;
      const d = byRow ? j : i;
      if (only && !only[line]) continue;
      const from = line * lineStep;
      const base = d * stride;
      const end = base + count[d]!;
      const to = line * outLineStep + d * tapStep;
      for (let k = 0; k < c; k++) {
        // -0, the sum of nothing: a sum of one term is that term, the sign of a zero included.
        let s = -0;
        for (let t = base; t < end; t++) {
          const v = src[from + index[t]! * tapStep + k]! * weight[t]!;
          s = inFloat32 ? f(s + f(v)) : s + v;
        }
        out[to + k] = s;
      }
    }
  }
  return out;
}

/** A resize mode's whole work on one HWC image. */
export type ImageResize = (
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
) => Float32Array;

/** The resize that makes both passes, x then y, with the same kind of taps on each axis. */
export function separableResize(taps: (inSize: number, outSize: number) => AxisTaps, rounding: Rounding): ImageResize {
  return (src, h, w, c, outH, outW) => {
    const yTaps = taps(h, outH);
    // Only the rows the y pass reads are resampled along x: a shrink reads few of them.
    const read = new Uint8Array(h);
    for (let d = 0; d < outH; d++)
      for (let t = 0; t < yTaps.count[d]!; t++) read[yTaps.index[d * yTaps.stride + t]!] = 1;
    const rows = resampleAxis(src, c, w, 'x', h, taps(w, outW), rounding, read);
    return resampleAxis(rows, c, h, 'y', outW, yTaps, rounding);
  };
}
