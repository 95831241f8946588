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
import { type AxisTaps, axisTaps, type ImageResize, resampleAxis } from './separable-resample.ts';

const A = -0.5;
const SUPPORT = 2;

function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * A;
  return 0;
}

export function pilBicubicTaps(inSize: number, outSize: number): AxisTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const taps = axisTaps(outSize, Math.ceil(support) * 2 + 1);
  for (let d = 0; d < outSize; d++) {
    const center = (d + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const base = d * taps.stride;
    let sum = 0;
    for (let x = lo; x < hi; x++) {
      const wgt = cubic((x - center + 0.5) / filterScale);
      taps.index[base + x - lo] = x;
      taps.weight[base + x - lo] = wgt;
      sum += wgt;
    }
    if (sum !== 0) for (let x = lo; x < hi; x++) taps.weight[base + x - lo]! /= sum;
    taps.count[d] = hi - lo;
  }
  return taps;
}

export const resizeBicubicPil: ImageResize = (src, h, w, c, outH, outW) => {
  let img = src;
  // As PIL, an axis whose size does not change is not resampled.
  if (outW !== w) img = resampleAxis(img, c, w, 'x', h, pilBicubicTaps(w, outW), 'double');
  if (outH !== h) img = resampleAxis(img, c, h, 'y', outW, pilBicubicTaps(h, outH), 'double');
  const out = img === src ? Float32Array.from(src) : img;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return out;
};
