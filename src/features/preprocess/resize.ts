/**
 * The named resize modes an extractor may declare. Each is a known
 * reference's behaviour, tested against it (test/features/resize.test.ts):
 *   none         images must already have the extractor's size;
 *   bilinear     torch F.interpolate, align_corners=False, no antialias;
 *   bicubic-pil  PIL Image.resize(BICUBIC) on float images, antialiased, clipped (clean-fid);
 *   nearest      torch F.interpolate mode='nearest'.
 */
import { imageBatch, type ImageBatch } from '../../core/types.ts';
import { resizeBicubicPil } from './resize-bicubic-pil.ts';
import { resizeBilinear } from './resize-bilinear.ts';
import { resizeNearest } from './resize-nearest.ts';
import type { ImageResize } from './separable-resample.ts';

export const RESIZE_MODES = ['none', 'bilinear', 'bicubic-pil', 'nearest'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

const RESIZERS: Record<Exclude<ResizeMode, 'none'>, ImageResize> = {
  bilinear: resizeBilinear,
  'bicubic-pil': resizeBicubicPil,
  nearest: resizeNearest,
};

export const RESIZE_DESCRIPTIONS: Record<ResizeMode, string> = {
  none: 'none',
  bilinear: 'bilinear (torch F.interpolate, align_corners=False, no antialias)',
  'bicubic-pil': 'bicubic-pil (PIL BICUBIC on float images, antialiased, clipped; as clean-fid)',
  nearest: 'nearest (torch F.interpolate mode=nearest)',
};

/** The batch at height × width; the same batch when it already has that size. Mode 'none' never resizes (callers check sizes first). */
export function resizeImages(batch: ImageBatch, height: number, width: number, mode: ResizeMode): ImageBatch {
  if (batch.height === height && batch.width === width) return batch;
  if (mode === 'none')
    throw new Error(`resize mode 'none' cannot take ${batch.height}×${batch.width} to ${height}×${width}`);
  const resize = RESIZERS[mode];
  const { n, channels: c } = batch;
  const per = batch.height * batch.width * c;
  const outPer = height * width * c;
  const out = imageBatch(n, height, width, c);
  for (let i = 0; i < n; i++) {
    out.data.set(
      resize(batch.data.subarray(i * per, (i + 1) * per), batch.height, batch.width, c, height, width),
      i * outPer,
    );
  }
  return out;
}
