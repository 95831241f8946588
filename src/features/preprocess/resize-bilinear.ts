/**
 * Bilinear resize as torch's `F.interpolate(x, size, mode='bilinear',
 * align_corners=False)` without antialiasing: each output pixel samples the
 * input at src = (dst + 0.5)·in/out − 0.5 (clamped at 0) between its two
 * neighbours per axis. Arithmetic as torch's CPU kernel does it for float
 * tensors: both rows interpolated along x, then the two results along y,
 * every product and sum rounded to float32. One image, HWC.
 */
import { type AxisTaps, axisTaps, separableResize } from './separable-resample.ts';

const f = Math.fround;

export function bilinearTaps(inSize: number, outSize: number): AxisTaps {
  const scale = f(inSize / outSize);
  const taps = axisTaps(outSize, 2);
  for (let d = 0; d < outSize; d++) {
    // The scale is float32; the source index and weights are worked out in
    // double (torch's CPU accumulate type for float) and stored as float32.
    let src = scale * (d + 0.5) - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lambda = Math.min(Math.max(src - i0, 0), 1);
    taps.count[d] = 2;
    taps.index[2 * d] = i0;
    taps.index[2 * d + 1] = Math.min(i0 + 1, inSize - 1);
    taps.weight[2 * d] = f(1 - lambda);
    taps.weight[2 * d + 1] = f(lambda);
  }
  return taps;
}

export const resizeBilinear = separableResize(bilinearTaps, 'float32');
