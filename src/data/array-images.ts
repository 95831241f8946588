/**
 * Images held in a NumPy array, as real data and as a samples-only model read
 * them: (N, H, W), (N, H, W, C) or (N, C, H, W) with C ∈ {1, 3}. NCHW (as
 * PyTorch dumps tensors) when dimension 1 is 1 or 3 and the last is not; uint8
 * is k/255; floats must already lie in [0, 1].
 */
import { inputError } from '../core/errors.ts';
import { imageBatch, type ImageBatch } from '../core/types.ts';
import type { NdArray } from './npy.ts';

/** The first `limit` images (all by default) as NHWC in [0, 1]; `file` names the array in messages. */
export function imagesFromArray(array: NdArray, file: string, limit?: number): ImageBatch {
  const { shape } = array;
  const isC = (d: number | undefined) => d === 1 || d === 3;
  let layout: 'nhw' | 'nhwc' | 'nchw';
  if (shape.length === 3) layout = 'nhw';
  else if (shape.length === 4 && isC(shape[1]) && !isC(shape[3])) layout = 'nchw';
  else if (shape.length === 4 && isC(shape[3])) layout = 'nhwc';
  else
    throw inputError(
      file,
      `images must have shape (N, H, W), (N, H, W, C) or (N, C, H, W) with C = 1 or 3, got (${shape.join(', ')})`,
    );
  // The layout checks above fixed the rank at 3 or 4.
  const [total, d1, d2, d3] = shape as [number, number, number, number | undefined];
  const n = Math.min(limit ?? total, total);
  const [height, width, channels] = layout === 'nchw' ? [d2, d3!, d1] : [d1, d2, d3 ?? 1];
  const data = new Float32Array(n * height * width * channels);
  const divisor = array.dtype === 'uint8' ? 255 : 1;
  const plane = height * width;
  for (let i = 0; i < data.length; i++) {
    const value = array.data[i]!;
    if (array.dtype !== 'uint8' && !(value >= 0 && value <= 1)) {
      throw inputError(
        file,
        `float images must lie in [0, 1]; value ${value} at index ${i} (rescale, e.g. from [-1, 1], before saving)`,
      );
    }
    if (layout === 'nchw') {
      // source index i = ((img * C + c) * H + y) * W + x  ->  ((img * H + y) * W + x) * C + c
      const img = Math.floor(i / (channels * plane));
      const rest = i - img * channels * plane;
      const c = Math.floor(rest / plane);
      const p = rest - c * plane;
      data[(img * plane + p) * channels + c] = value / divisor;
    } else {
      data[i] = value / divisor;
    }
  }
  return imageBatch(n, height, width, channels, data);
}
