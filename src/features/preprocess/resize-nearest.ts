/**
 * Nearest-neighbour resize as torch's `F.interpolate(x, size,
 * mode='nearest')`: src = floor(dst · in/out) in float32 arithmetic,
 * clamped to the last pixel (not 'nearest-exact'). One tap of weight 1 per
 * axis, so each output pixel is its source pixel exactly. One image, HWC.
 */
import { type AxisTaps, axisTaps, separableResize } from './separable-resample.ts';

const f = Math.fround;

export function nearestTaps(inSize: number, outSize: number): AxisTaps {
  const taps = axisTaps(outSize, 1);
  const scale = f(inSize / outSize);
  for (let d = 0; d < outSize; d++) {
    taps.count[d] = 1;
    taps.index[d] =
      outSize === inSize ? d : outSize === 2 * inSize ? d >> 1 : Math.min(Math.floor(f(d * scale)), inSize - 1);
    taps.weight[d] = 1;
  }
  return taps;
}

export const resizeNearest = separableResize(nearestTaps, 'float32');
