/**
 * Bicubic resize as PIL's `Image.resize(size, BICUBIC)` on a 32-bit float
 * ('F') image, channel by channel, then clipped to [0, 1]: what clean-fid
 * does (on 0–255 values; the resize is linear, so the scale does not
 * matter). PIL's kernel is the cubic convolution with a = −0.5 and support
 * 2; when shrinking, the kernel is stretched by the scale (antialiasing) and
 * each output pixel's weights are normalised to sum to 1. The horizontal
 * pass runs first, its result stored as float32, then the vertical pass;
 * sums are in double, as in PIL's 32-bit float path. One image, HWC.
 */
const A = -0.5;
const SUPPORT = 2;

function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * A;
  return 0;
}

export interface PilTaps {
  start: Int32Array;
  count: Int32Array;
  /** count[i] weights per output pixel, at i · stride. */
  weights: Float64Array;
  stride: number;
}

export function pilBicubicTaps(inSize: number, outSize: number): PilTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const taps: PilTaps = {
    start: new Int32Array(outSize),
    count: new Int32Array(outSize),
    weights: new Float64Array(outSize * stride),
    stride,
  };
  for (let d = 0; d < outSize; d++) {
    const center = (d + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    let sum = 0;
    for (let x = lo; x < hi; x++) {
      const wgt = cubic((x - center + 0.5) / filterScale);
      taps.weights[d * stride + x - lo] = wgt;
      sum += wgt;
    }
    if (sum !== 0) for (let x = lo; x < hi; x++) taps.weights[d * stride + x - lo]! /= sum;
    taps.start[d] = lo;
    taps.count[d] = hi - lo;
  }
  return taps;
}

/** One axis of PIL's resample; `step` is the distance between neighbours along it, `lines` the other axis. */
function pass(
  src: Float32Array,
  c: number,
  inSize: number,
  outSize: number,
  along: 'x' | 'y',
  other: number,
): Float32Array {
  const taps = pilBicubicTaps(inSize, outSize);
  const out = new Float32Array(outSize * other * c);
  for (let line = 0; line < other; line++) {
    for (let d = 0; d < outSize; d++) {
      const base = d * taps.stride;
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let t = 0; t < taps.count[d]!; t++) {
          const i = taps.start[d]! + t;
          const at = along === 'x' ? (line * inSize + i) * c + k : (i * other + line) * c + k;
          s += src[at]! * taps.weights[base + t]!;
        }
        out[(along === 'x' ? line * outSize + d : d * other + line) * c + k] = s;
      }
    }
  }
  return out;
}

export function resizeBicubicPil(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Float32Array {
  let img = src;
  if (outW !== w) img = pass(img, c, w, outW, 'x', h);
  if (outH !== h) img = pass(img, c, h, outH, 'y', outW);
  const out = img === src ? Float32Array.from(src) : img;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return out;
}
