/**
 * Images (NHWC float32 in [0, 1], already at the extractor's size and
 * channel count) to the tensor an extractor takes: values mapped to its
 * declared range, optionally normalised per channel, in its layout.
 */
import type { ImageBatch } from '../../core/types.ts';

export interface InputConvention {
  layout: 'NCHW' | 'NHWC';
  range: [number, number];
  mean?: number[];
  std?: number[];
}

export function toModelInput(batch: ImageBatch, convention: InputConvention): { dims: number[]; data: Float32Array } {
  const { n, height: h, width: w, channels: c } = batch;
  const [lo, hi] = convention.range;
  const span = hi - lo;
  const out = new Float32Array(batch.data.length);
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < c; k++) {
        let v = lo + batch.data[(i * plane + p) * c + k]! * span;
        if (convention.mean) v -= convention.mean[k]!;
        if (convention.std) v /= convention.std[k]!;
        out[convention.layout === 'NCHW' ? (i * c + k) * plane + p : (i * plane + p) * c + k] = v;
      }
    }
  }
  return { dims: convention.layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c], data: out };
}
