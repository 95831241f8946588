/**
 * Images in [0, 1] as an encoder takes them: batch by batch, moved to the
 * model's range (manifest image.range).
 */
import type { ImageBatch } from '../../core/types.ts';
import { dimensionsOf } from '../../likelihood/data-space.ts';

export interface RangeBatch {
  /** The batch's first image. */
  start: number;
  /** Images in the batch. */
  m: number;
  /** Their values in the model's range, [m, H, W, C]. */
  values: Float32Array;
}

export function* modelRangeBatches(
  images: ImageBatch,
  range: readonly [number, number],
  batchSize: number,
): Generator<RangeBatch> {
  const [lo, hi] = range;
  const per = dimensionsOf(images);
  for (let start = 0; start < images.n; start += batchSize) {
    const m = Math.min(batchSize, images.n - start);
    yield { start, m, values: images.data.slice(start * per, (start + m) * per).map((v) => lo + v * (hi - lo)) };
  }
}
